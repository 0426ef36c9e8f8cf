package dev.tasklane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.chat.ChatConfig;
import dev.tasklane.core.LaneException;
import dev.tasklane.gateway.api.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any text frame on {@code /ws}, sent to a real server with tasks and chat: it gets exactly one
 * response, with the frame's id, either a result or an error a client caused (never
 * {@code internal}), and the connection stays open. Seeds: {@code WsRequestFuzzTestInputs/};
 * docs/TESTING.md says how to fuzz for longer.
 */
class WsRequestFuzzTest {
  static final Set<String> CLIENT_ERRORS =
      Set.of("bad_request", "unauthorized", "forbidden", "not_found", "conflict", "busy", "too_large", "rate_limited");

  @TempDir static Path dir;
  static TestGateway gw;
  static WsClient ws;

  @BeforeAll
  static void start() {
    gw = TestGateway.withChat(dir, GatewayConfig.defaults().withPort(0).withRateLimit(0, 1),
        ChatConfig.defaults().toBuilder().yieldWindow(Duration.ofMillis(20)).build());
    ws = gw.ws(TestGateway.ADMIN);
  }

  @AfterAll
  static void stop() {
    ws.close();
    gw.close();
  }

  @FuzzTest(maxDuration = "5m")
  void requestFrame(byte[] frame) throws InterruptedException {
    String text = new String(frame, StandardCharsets.UTF_8);
    while (ws.eventWithin(0) != null) {
      // events of earlier subscriptions: not what this frame is answered with
    }
    ws.sendRaw(text);
    JsonNode response = ws.nextResponse();

    assertThat(response.get("id")).as("the frame's id, echoed").isEqualTo(idOf(text));
    assertThat(response.get("ok").isBoolean()).isTrue();
    if (!response.get("ok").asBoolean()) {
      assertThat(response.at("/error/code").asText()).as("error of %s", response).isIn(CLIENT_ERRORS);
      assertThat(response.at("/error/message").asText()).isNotBlank();
    }
    assertThat(ws.closed).as("connection after %s", text).isFalse();
  }

  /** The id the server must echo: a request object's {@code id}, else null. */
  private static JsonNode idOf(String text) {
    try {
      JsonNode request = Json.parse(text);
      JsonNode id = request.isObject() ? request.get("id") : null;
      return id == null ? Json.MAPPER.nullNode() : id;
    } catch (LaneException notJson) {
      return Json.MAPPER.nullNode();
    }
  }
}
