package dev.tasklane.gateway;

import static dev.tasklane.gateway.WsProtocolTest.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.chat.ChatConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks and the transcript survive a restart of the server on the same data folder. */
@Tag("slow")
class RestartTest {
  @TempDir Path dir;

  @Test
  void tasksAndTranscriptSurviveARestart() throws Exception {
    String done;
    String waiting;
    List<String> before = new ArrayList<>();
    try (TestGateway gw = TestGateway.withChat(dir, GatewayConfig.defaults().withPort(0), ChatConfig.defaults());
        WsClient ws = gw.ws(TestGateway.ADMIN)) {
      done = ws.result("chat.send", params().put("chatId", "r").put("text", "echo before restart")).get("taskId").asText();
      ws.awaitState(done, "completed");
      waiting = ws.result("chat.send", params().put("chatId", "r").put("text", "sleep 60000")).get("taskId").asText();
      ws.awaitState(waiting, "running");
      ws.result("chat.history", params().put("chatId", "r")).get("messages")
          .forEach(m -> before.add(m.get("id").asLong() + ":" + m.get("role").asText()));
    }

    try (TestGateway gw = TestGateway.withChat(dir, GatewayConfig.defaults().withPort(0), ChatConfig.defaults());
        WsClient ws = gw.ws(TestGateway.ADMIN)) {
      JsonNode t = ws.result("task.status", params().put("taskId", done));
      assertThat(t.get("state").asText()).isEqualTo("completed");
      assertThat(t.at("/result/text").asText()).isEqualTo("before restart");
      // The interrupted task is back in the queue (or already running again), not lost.
      assertThat(ws.result("task.status", params().put("taskId", waiting)).get("state").asText())
          .isIn("queued", "running");

      List<String> after = new ArrayList<>();
      ws.result("chat.history", params().put("chatId", "r")).get("messages")
          .forEach(m -> after.add(m.get("id").asLong() + ":" + m.get("role").asText()));
      assertThat(after).containsAll(before);
      assertThat(ws.result("chat.history", params().put("chatId", "r")).toString()).contains("echo before restart");
      ws.result("task.cancel", params().put("taskId", waiting));
    }
  }
}
