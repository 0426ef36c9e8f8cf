package dev.tasklane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.gateway.api.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server warms its request paths at start (a submit rehearsed, a WebSocket session of its own):
 * nothing of that is there for anyone to see afterwards, and the guessed-token limiter counted none of it.
 */
class WarmUpTest {
  @TempDir Path dir;
  TestGateway gw;

  @AfterEach
  void stop() {
    if (gw != null) gw.close();
  }

  @Test
  void theFirstTaskAfterAStartIsTheFirstThereIsWithTheFirstEvent() {
    gw = TestGateway.start(dir, GatewayConfig.defaults().withAuthFailuresPerMinute(1).withRateLimit(0, 1));
    assertThat(gw.lane.list(TaskQuery.all()).items()).isEmpty();
    assertThat(gw.lane.lastEventId()).isZero();

    try (WsClient ws = gw.ws(TestGateway.ADMIN)) {
      JsonNode created = ws.result("task.create", Json.object().put("sessionKey", "web:alice").put("kind", "echo"));
      assertThat(created.get("id").asText()).isEqualTo(TaskId.of(1).toString());
      assertThat(ws.awaitTerminal(created.get("id").asText()).get("state").asText()).isEqualTo("completed");
    }
    assertThat(gw.lane.list(TaskQuery.all()).items()).singleElement()
        .satisfies(t -> assertThat(t.id()).isEqualTo(TaskId.of(1)));
    assertThat(gw.lane.events(TaskId.of(1), 0, 10).getFirst().id()).isEqualTo(1);
  }

  @Test
  void theMetricsShowNoneOfIt() throws Exception {
    gw = TestGateway.start(dir, GatewayConfig.defaults());
    String text = gw.get("/metrics", null).body();
    assertThat(text).contains("tasklane_submit_latency_seconds_count 0\n",
        "tasklane_open_connections{type=\"websocket\"} 0.0", "tasklane_tasks{state=\"queued\"} 0.0");
    assertThat(text).doesNotContain("tasklane_ws_request_latency", "warm");
  }

  @Test
  void theWarmUpUsedNoneOfTheFailedAuthenticationsOfLoopback() throws Exception {
    gw = TestGateway.start(dir, GatewayConfig.defaults().withAuthFailuresPerMinute(1).withRateLimit(0, 1));
    assertThat(gw.get("/v1/tasks", "a-guess").statusCode()).as("the one failure allowed").isEqualTo(401);
    assertThat(gw.get("/v1/tasks", "another-guess").statusCode()).isEqualTo(429);
  }
}
