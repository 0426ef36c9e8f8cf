package dev.tasklane.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.telegram.Inbound.Ignored;
import dev.tasklane.telegram.Inbound.Press;
import dev.tasklane.telegram.Inbound.Text;
import java.util.Locale;
import java.util.Optional;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * Whatever Telegram (or something pretending to be it) sends, an update is read, stored and read
 * back, and classified without an exception, and what reaches the chat flow is a non-blank text from
 * a chat. In the default test run each target runs its stored inputs; {@code JAZZER_FUZZ=1} fuzzes.
 */
class UpdateFuzzTest {
  private static final BotIdentity BOT = new BotIdentity(FakeBotApi.BOT_ID, FakeBotApi.BOT_USERNAME);
  private static final String[] TYPES = {"private", "group", "supergroup", "channel", "", "PRIVATE"};

  @FuzzTest(maxDuration = "30s")
  void rawUpdatesNeverBreakTheBot(FuzzedDataProvider data) {
    check(data.consumeRemainingAsString());
  }

  @FuzzTest(maxDuration = "30s")
  void messagesOfEveryShapeAreClassified(FuzzedDataProvider data) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    ObjectNode u = json.objectNode().put("update_id", data.consumeInt());
    boolean press = data.consumeBoolean();
    ObjectNode m = json.objectNode();
    if (data.consumeBoolean()) m.put("message_id", data.consumeInt());
    if (data.consumeBoolean()) {
      m.putObject("chat").put("id", data.consumeLong()).put("type", data.pickValue(TYPES));
    }
    if (data.consumeBoolean()) m.putObject("from").put("id", data.consumeLong()).put("is_bot", data.consumeBoolean());
    if (data.consumeBoolean()) m.put("message_thread_id", data.consumeInt()).put("is_topic_message", data.consumeBoolean());
    if (data.consumeBoolean()) {
      m.putObject("reply_to_message").put("message_id", 1).putObject("from").put("id", data.consumeBoolean()
          ? FakeBotApi.BOT_ID : data.consumeLong());
    }
    String text = data.consumeString(300);
    if (data.consumeBoolean()) text = (data.consumeBoolean() ? "@" + BOT.username() + " " : "/status@") + text;
    m.put(data.consumeBoolean() ? "text" : "caption", text);
    if (press) {
      ObjectNode q = u.putObject("callback_query").put("id", data.consumeString(20)).put("data", data.consumeString(64));
      q.putObject("from").put("id", data.consumeLong());
      q.set("message", m);
    } else {
      u.set("message", m);
    }
    check(u.toString());
  }

  private static void check(String json) {
    Optional<Update> update = UpdateJson.read(json);
    if (update.isEmpty()) return;
    Inbound in = Inbound.of(update.get(), BOT);
    Optional<Update> again = UpdateJson.read(UpdateJson.write(update.get()));
    assertThat(again).as("an update reads back as stored").isPresent();
    assertThat(Inbound.of(again.get(), BOT)).isEqualTo(in);
    switch (in) {
      case Text t -> {
        assertThat(t.text()).isNotBlank();
        assertThat(t.chat()).isNotNull();
        assertThat(ChatKey.parse(t.chat().toString())).isEqualTo(t.chat());
        if (!t.text().strip().startsWith("/")) {
          assertThat(t.text().toLowerCase(Locale.ROOT)).doesNotStartWith("@" + BOT.username());
        }
      }
      case Press p -> assertThat(p.chat()).isNotNull();
      case Ignored i -> assertThat(i.why()).isNotBlank();
    }
  }
}
