package dev.tasklane.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API keeps no server-side session per client: WebSocket upgrades, refused or not, leave none behind. */
class HttpSessionsTest {
  @TempDir Path dir;
  TestGateway gw;

  @AfterEach
  void stop() {
    if (gw != null) gw.close();
  }

  @Test
  void upgradesRefusedAndAcceptedLeaveNoHttpSessionBehind() throws Exception {
    gw = TestGateway.start(dir, GatewayConfig.defaults().withAuthFailuresPerMinute(0));
    List<String> cookies = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      try (RawWsClient refused = RawWsClient.connect(gw.port(), i % 2 == 0 ? null : "wrong-" + i)) {
        assertThat(refused.status).isEqualTo(401);
        if (refused.headers.containsKey("set-cookie")) cookies.add(refused.headers.get("set-cookie"));
      }
      try (RawWsClient accepted = RawWsClient.connect(gw.port(), TestGateway.ADMIN)) {
        assertThat(accepted.status).isEqualTo(101);
        if (accepted.headers.containsKey("set-cookie")) cookies.add(accepted.headers.get("set-cookie"));
      }
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> gw.server.liveHttpSessions() == 0);
    assertThat(cookies).as("session cookies handed out").isEmpty();
  }
}
