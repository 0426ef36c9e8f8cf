package dev.tasklane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guessing tokens is rate limited per client address, on HTTP and on the WebSocket upgrade alike,
 * without locking out the clients already using their tokens from that address.
 */
class GuessedTokensTest {
  private static final int PER_MINUTE = 6; // a burst of 6, then one every 10 s

  @TempDir Path dir;
  TestGateway gw;

  @AfterEach
  void stop() {
    if (gw != null) gw.close();
  }

  @Test
  void pastTheLimitWrongTokensGetRateLimitedAndTokensInUseGoOn() throws Exception {
    gw = TestGateway.start(dir, GatewayConfig.defaults().withAuthFailuresPerMinute(PER_MINUTE).withRateLimit(0, 1));
    assertThat(gw.get("/v1/tasks", TestGateway.ADMIN).statusCode()).isEqualTo(200);

    // The burst (a slow machine may have earned a few more meanwhile), then rate_limited.
    int unauthorized = 0;
    HttpResponse<String> limited = gw.get("/v1/tasks", "guess-0");
    while (limited.statusCode() == 401 && unauthorized < 2 * PER_MINUTE) {
      unauthorized++;
      limited = gw.get("/v1/tasks", "guess-" + unauthorized);
    }
    assertThat(unauthorized).isBetween(PER_MINUTE, 2 * PER_MINUTE - 1);
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(TestGateway.json(limited).get("code").asText()).isEqualTo("rate_limited");
    assertThat(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 10);
    try (RawWsClient upgrade = RawWsClient.connect(gw.port(), "guess-ws")) {
      assertThat(upgrade.status).isEqualTo(429);
      assertThat(Integer.parseInt(upgrade.headers.get("retry-after"))).isBetween(1, 10);
      assertThat(upgrade.body).contains("\"rate_limited\"");
    }

    // The token already in use from this address is not affected, over HTTP or the WebSocket.
    assertThat(gw.get("/v1/tasks", TestGateway.ADMIN).statusCode()).isEqualTo(200);
    try (RawWsClient upgrade = RawWsClient.connect(gw.port(), TestGateway.ADMIN)) {
      assertThat(upgrade.status).isEqualTo(101);
    }
    // A right guess looks like a wrong one while the address is locked (when it is let in again: AuthFailuresTest).
    assertThat(gw.get("/v1/tasks", TestGateway.ALICE).statusCode()).isEqualTo(429);
  }
}
