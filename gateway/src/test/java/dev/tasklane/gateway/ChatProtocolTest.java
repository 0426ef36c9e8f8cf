package dev.tasklane.gateway;

import static dev.tasklane.gateway.WsProtocolTest.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.chat.ChatConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** chat.send, chat.history and chat.subscribe over /ws, through the real chat flow. */
class ChatProtocolTest {
  @TempDir Path dir;
  TestGateway gw;
  WsClient ws;

  @BeforeEach
  void start() {
    gw = TestGateway.withChat(dir, GatewayConfig.defaults().withPort(0), ChatConfig.defaults());
    ws = gw.ws(TestGateway.ADMIN);
  }

  @AfterEach
  void stop() {
    ws.close();
    gw.close();
  }

  @Test
  void aMessageIsStoredRoutedToATaskAndAnsweredWithinTheYieldWindow() {
    JsonNode r = ws.result("chat.send", params().put("chatId", "c1").put("text", "echo hello there"));
    assertThat(r.get("sessionKey").asText()).isEqualTo("web:c1");
    assertThat(r.at("/userMessage/role").asText()).isEqualTo("user");
    assertThat(r.at("/userMessage/text").asText()).isEqualTo("echo hello there");
    assertThat(r.get("taskId").asText()).isNotBlank();
    assertThat(r.get("duplicate").asBoolean()).isFalse();
    assertThat(r.at("/answer/role").asText()).isEqualTo("assistant");

    JsonNode task = ws.result("task.status", params().put("taskId", r.get("taskId").asText()));
    assertThat(task.get("sessionKey").asText()).isEqualTo("web:c1");
    assertThat(task.get("kind").asText()).isEqualTo("echo");
  }

  @Test
  void tasksSubmittedThroughTheApiLeaveNothingToDeliver() throws Exception {
    for (int i = 0; i < 3; i++) {
      String id = ws.result("task.create", params().put("sessionKey", "web:api" + i).put("kind", "echo"))
          .get("taskId").asText();
      ws.awaitTerminal(id);
      assertThat(gw.post("/v1/tasks", TestGateway.ADMIN, "{\"sessionKey\": \"web:api\", \"kind\": \"echo\"}")
          .statusCode()).isEqualTo(201);
    }
    JsonNode chat = ws.result("chat.send", params().put("chatId", "c9").put("text", "echo after the api tasks"));
    ws.awaitTerminal(chat.get("taskId").asText());
    // The chat's own outcome is recorded once the follower passed every earlier task's events.
    await().atMost(Duration.ofSeconds(5)).until(() -> channelsInOutbox().contains("web"));
    assertThat(channelsInOutbox()).containsOnly("web");
    JsonNode api = ws.result("task.list", params().put("sessionKey", "web:api0")).at("/items/0");
    assertThat(api.get("state").asText()).isEqualTo("completed");
  }

  private List<String> channelsInOutbox() {
    return gw.lane.database().read(tx -> {
      List<String> out = new ArrayList<>();
      try (var ps = tx.connection().prepareStatement("SELECT channel FROM chat_outbox");
          var rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getString(1));
      }
      return out;
    });
  }

  @Test
  void theSameMessageIdIsAnsweredOnce() {
    var p = params().put("chatId", "c2").put("text", "echo once").put("messageId", "m-1");
    JsonNode first = ws.result("chat.send", p);
    JsonNode again = ws.result("chat.send", p);
    assertThat(again.get("duplicate").asBoolean()).isTrue();
    assertThat(again.at("/userMessage/id").asLong()).isEqualTo(first.at("/userMessage/id").asLong());
    assertThat(ws.result("task.list", params().put("sessionKey", "web:c2")).get("items")).hasSize(1);
  }

  @Test
  void historyAndSubscribeShowTheTranscriptInOrderAndThenLive() {
    ws.result("chat.send", params().put("chatId", "c3").put("text", "/help"));
    ws.result("chat.send", params().put("chatId", "c3").put("text", "echo two"));
    JsonNode history = ws.result("chat.history", params().put("chatId", "c3"));
    List<Long> ids = new ArrayList<>();
    history.get("messages").forEach(m -> ids.add(m.get("id").asLong()));
    assertThat(ids).isSorted().hasSizeGreaterThanOrEqualTo(3);
    assertThat(history.at("/messages/0/text").asText()).isEqualTo("/help");

    long afterFirst = ids.getFirst();
    JsonNode sub = ws.result("chat.subscribe", params().put("chatId", "c3").put("afterId", afterFirst));
    assertThat(sub.get("subscriptionId").asText()).isNotBlank();
    JsonNode replayed = nextChat();
    assertThat(replayed.get("id").asLong()).isGreaterThan(afterFirst);

    ws.result("chat.send", params().put("chatId", "c3").put("text", "echo three"));
    boolean sawLive = false;
    boolean sawTyping = false;
    for (int i = 0; i < 30 && !(sawLive && sawTyping); i++) {
      JsonNode frame = ws.nextEvent();
      if (frame.get("event").asText().equals("typing")) sawTyping = frame.at("/data/chatId").asText().equals("c3");
      else if (frame.get("event").asText().equals("chat")) sawLive |= frame.at("/data/text").asText().equals("echo three");
    }
    assertThat(sawLive).as("the new entry, live").isTrue();
    assertThat(sawTyping).as("the receipt indicator").isTrue();
  }

  @Test
  void aMessageThatBecomesATaskGetsItsReceiptBeforeTheAnswer() {
    JsonNode sub = ws.result("chat.subscribe", params().put("chatId", "c5"));
    assertThat(sub.get("maxMessageChars").asInt()).isEqualTo(ChatConfig.defaults().maxIncomingChars());
    ws.sendRaw(dev.tasklane.gateway.api.Json.write(dev.tasklane.gateway.api.Json.object().put("id", "send-1")
        .put("method", "chat.send").set("params", params().put("chatId", "c5").put("text", "sleep 5000")
            .put("messageId", "browser-1"))));
    JsonNode receipt = null;
    for (int i = 0; i < 30 && receipt == null; i++) {
      JsonNode frame = ws.nextEvent();
      if (frame.get("event").asText().equals("receipt")) receipt = frame.get("data");
    }
    assertThat(receipt).as("a receipt event").isNotNull();
    assertThat(ws.hasResponse("send-1")).as("the answer still waits for the yield window").isFalse();
    JsonNode answer = ws.response("send-1").get("result");
    assertThat(receipt.get("taskId").asText()).isEqualTo(answer.get("taskId").asText());
    assertThat(receipt.get("messageId").asText()).isEqualTo("browser-1");
    assertThat(receipt.get("entryId").asLong()).isEqualTo(answer.at("/userMessage/id").asLong());
    assertThat(receipt.get("state").asText()).isIn("queued", "running");
    ws.result("task.cancel", params().put("taskId", answer.get("taskId").asText()));
  }

  @Test
  void answersCarryTheirMarkdownAsSafeHtml() {
    JsonNode r = ws.result("chat.send", params().put("chatId", "c6").put("text", "echo **bold** <b onclick=x>"));
    assertThat(r.at("/answer/html").asText()).contains("<strong>bold</strong>", "&lt;b onclick=x&gt;");
    assertThat(r.at("/userMessage/html").isMissingNode()).isTrue(); // what the user typed stays text
  }

  @Test
  void chatsOutsideTheScopeAreForbiddenAndBadParamsAreBadRequests() {
    try (WsClient alice = gw.ws(TestGateway.ALICE)) {
      assertThat(alice.errorCode("chat.send", params().put("chatId", "bob").put("text", "hi"))).isEqualTo("forbidden");
      assertThat(alice.errorCode("chat.history", params().put("chatId", "bob"))).isEqualTo("forbidden");
      assertThat(alice.errorCode("chat.subscribe", params().put("chatId", "bob"))).isEqualTo("forbidden");
      // Without a chatId the token's name is the chat: web:alice is in alice's scope.
      assertThat(alice.result("chat.send", params().put("text", "/help")).get("sessionKey").asText())
          .isEqualTo("web:alice");
    }
    assertThat(ws.errorCode("chat.send", params().put("chatId", "c4"))).isEqualTo("bad_request");
    assertThat(ws.errorCode("chat.send", params().put("chatId", "no spaces").put("text", "x"))).isEqualTo("bad_request");
    assertThat(ws.errorCode("chat.send", params().put("chatId", "c4").put("text", 5))).isEqualTo("bad_request");
    assertThat(ws.errorCode("chat.history", params().put("chatId", "c4").put("limit", 0))).isEqualTo("bad_request");
  }

  private JsonNode nextChat() {
    while (true) {
      JsonNode frame = ws.nextEvent();
      if (frame.get("event").asText().equals("chat")) return frame.get("data");
    }
  }
}
