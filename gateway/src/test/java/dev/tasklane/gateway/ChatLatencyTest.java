package dev.tasklane.gateway;

import static dev.tasklane.gateway.WsProtocolTest.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.chat.ChatConfig;
import dev.tasklane.gateway.api.Json;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The message lane never waits: while a 30 s task runs, ten messages sent back to back are each
 * acknowledged at once (stored and shown in the chat), status queries stay fast, and every message
 * is answered with its task id without waiting out the yield window.
 */
@Tag("slow")
class ChatLatencyTest {
  static final long ACK_MILLIS = 100;

  @TempDir Path dir;

  @Test
  void tenRapidMessagesAreAcknowledgedAtOnceWhileALongTaskRuns() throws Exception {
    ChatConfig chatConfig = ChatConfig.defaults();
    try (TestGateway gw = TestGateway.withChat(dir, GatewayConfig.defaults().withPort(0), chatConfig);
        WsClient ws = gw.ws(TestGateway.ADMIN)) {
      String longTask = ws.result("chat.send", params().put("chatId", "busy").put("text", "sleep 30000"))
          .get("taskId").asText();
      ws.awaitState(longTask, "running");
      warmUp(ws);
      long lastEntry = ws.result("chat.history", params().put("chatId", "busy").put("limit", 500)).get("messages")
          .findValues("id").stream().mapToLong(JsonNode::asLong).max().orElse(0);
      ws.result("chat.subscribe", params().put("chatId", "busy").put("afterId", lastEntry));

      // Ten messages back to back, without waiting for any answer.
      Map<String, Long> sentAt = new HashMap<>();
      for (int i = 0; i < 10; i++) {
        String text = "echo message " + i;
        sentAt.put(text, System.nanoTime());
        ws.sendRaw(Json.write(Json.object().put("id", "m" + i).put("method", "chat.send")
            .set("params", params().put("chatId", "busy").put("text", text))));
      }

      // Meanwhile status queries answer at once.
      for (int i = 0; i < 10; i++) {
        long t0 = System.nanoTime();
        assertThat(ws.result("task.status", params().put("taskId", longTask)).get("state").asText())
            .isEqualTo("running");
        assertThat(millisSince(t0)).as("status query %d", i).isLessThan(ACK_MILLIS);
      }

      // Each message was stored and pushed back to the chat (its acknowledgement) at once.
      Map<String, Long> ackMillis = new HashMap<>();
      while (ackMillis.size() < 10) {
        JsonNode frame = ws.nextEvent();
        JsonNode m = frame.get("data");
        if (!frame.get("event").asText().equals("chat") || !m.get("role").asText().equals("user")) continue;
        Long sent = sentAt.get(m.get("text").asText());
        if (sent != null) ackMillis.put(m.get("text").asText(), (frame.get(WsClient.RECEIVED_AT).asLong() - sent) / 1_000_000);
      }
      System.out.println("acknowledgement times in ms: " + ackMillis);
      assertThat(ackMillis.values()).as("acknowledgement times in ms: %s", ackMillis).allMatch(ms -> ms < ACK_MILLIS);

      // And every message gets its answer (an acknowledgement naming its queued task) without waiting
      // out the yield window: a task queued behind its chat's running task cannot finish within it.
      Set<String> taskIds = new HashSet<>();
      long limit = chatConfig.yieldWindow().toMillis() / 2;
      for (int i = 0; i < 10; i++) {
        JsonNode r = ws.response("m" + i);
        assertThat(r.get("ok").asBoolean()).as("%s", r).isTrue();
        assertThat((r.get(WsClient.RECEIVED_AT).asLong() - sentAt.get("echo message " + i)) / 1_000_000)
            .isLessThan(limit);
        assertThat(r.at("/result/answer/text").asText()).contains(r.at("/result/taskId").asText());
        taskIds.add(r.at("/result/taskId").asText());
      }
      assertThat(taskIds).hasSize(10);
      for (String id : taskIds) {
        assertThat(ws.result("task.status", params().put("taskId", id)).get("state").asText()).isEqualTo("queued");
      }
      ws.result("task.cancel", params().put("taskId", longTask)); // don't wait 30 s
    }
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** The first requests of a JVM pay for class loading and JIT; the timing is about the steady state. */
  private static void warmUp(WsClient ws) {
    for (int i = 0; i < 5; i++) {
      ws.result("chat.send", params().put("chatId", "warm").put("text", "/help"));
      ws.result("task.status", params().put("taskId", "0001"));
    }
  }
}
