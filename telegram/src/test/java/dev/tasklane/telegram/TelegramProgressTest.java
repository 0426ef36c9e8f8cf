package dev.tasklane.telegram;

import static dev.tasklane.telegram.TelegramFixture.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.chat.ChatConfig;
import dev.tasklane.telegram.FakeChats.Msg;
import dev.tasklane.telegram.TelegramConfig.Limits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelegramProgressTest {
  @TempDir Path dir;
  TelegramFixture f;

  @AfterEach
  void stop() {
    if (f != null) f.close();
  }

  private void start(Limits limits, ChatConfig chat) throws Exception {
    FakeBotApi api = FakeBotApi.start();
    f = TelegramFixture.start(dir, api, TelegramFixture.config(api).limits(limits).build(), chat);
  }

  private Msg botMessage(long chat, Predicate<Msg> which) {
    await().atMost(Duration.ofSeconds(20)).until(() -> f.api.chats.fromBot(chat).stream().anyMatch(which));
    return f.api.chats.fromBot(chat).stream().filter(which).findFirst().orElseThrow();
  }

  private static Predicate<Msg> startsWith(String prefix) {
    return m -> m.texts.getFirst().startsWith(prefix);
  }

  /** The most edits seen in any window of the given length. */
  private static int mostEditsWithin(List<Long> editNanos, Duration window) {
    int most = 0;
    for (int i = 0; i < editNanos.size(); i++) {
      int n = 0;
      for (long t : editNanos) if (t >= editNanos.get(i) && t - editNanos.get(i) < window.toNanos()) n++;
      most = Math.max(most, n);
    }
    return most;
  }

  @Test
  void editsTheStatusMessageWithinTheChatsBudgetAndAlwaysShowsTheFinalState() throws Exception {
    // Telegram's limits scaled down: 5 edits per chat per second instead of 20 per minute, and a
    // handler that reports progress every 30 ms for about 3 s (a "30 s task" at a tenth of the time).
    start(new Limits(30, 5, Duration.ofSeconds(1), Duration.ofSeconds(5)),
        TelegramFixture.chatConfig().progressEditInterval(Duration.ofMillis(50)).build());
    int asked = f.api.say(ALICE, "slow 100 30");
    Msg status = botMessage(ALICE, startsWith("On it"));
    assertThat(status.replyTo).isEqualTo(asked);
    assertThat(status.buttons()).containsExactly("Cancel");
    Msg result = botMessage(ALICE, startsWith("slow work done"));
    assertThat(result.replyTo).isEqualTo(asked);
    await().atMost(Duration.ofSeconds(5)).until(() -> status.text().contains("completed"));

    List<Long> edits = new ArrayList<>(status.editedAtNanos);
    assertThat(mostEditsWithin(edits, Duration.ofSeconds(1))).as("edits in any second").isLessThanOrEqualTo(5);
    assertThat(edits.size()).as("edits of a 3 s task at 5 a second").isBetween(6, 25);
    assertThat(status.texts).as("progress was shown while it ran")
        .anyMatch(t -> t.matches(".*step \\d+ of 100.*"));
    assertThat(status.text()).matches("Task \\w+: completed in \\d+s\\.");
    assertThat(status.buttons()).as("the Cancel button goes with the final state").isEmpty();
    assertThat(f.api.chats.fromBot(ALICE)).hasSize(2);
  }

  @Test
  void atTelegramsRealLimitsAStatusMessageIsEditedAtMostOnceEveryThreeSeconds() throws Exception {
    start(Limits.TELEGRAM, TelegramFixture.chatConfig().progressEditInterval(Duration.ofSeconds(3)).build());
    f.api.say(ALICE, "slow 40 250"); // 10 s, progress four times a second
    Msg status = botMessage(ALICE, startsWith("On it"));
    botMessage(ALICE, startsWith("slow work done"));
    await().atMost(Duration.ofSeconds(8)).until(() -> status.text().contains("completed"));
    List<Long> edits = status.editedAtNanos;
    for (int i = 1; i < edits.size(); i++) {
      assertThat(Duration.ofNanos(edits.get(i) - edits.get(i - 1))).as("time between edits %d and %d", i - 1, i)
          .isGreaterThanOrEqualTo(Duration.ofMillis(2900));
    }
    assertThat(edits.size()).as("edits of a 10 s task").isBetween(2, 5);
    assertThat(mostEditsWithin(edits, Duration.ofMinutes(1))).isLessThanOrEqualTo(20);
  }

  @Test
  void typingIsRenewedWhileTheChatHasARunningTaskAndStopsAfter() throws Exception {
    start(Limits.TELEGRAM, TelegramFixture.chatConfig().build()); // typing renewed every 400 ms here
    f.api.say(ALICE, "slow 25 100"); // 2.5 s
    botMessage(ALICE, startsWith("slow work done"));
    assertThat(f.api.calls("sendChatAction").stream().filter(c -> c.params().path("chat_id").asLong() == ALICE))
        .as("typing renewals during a 2.5 s task").hasSizeGreaterThanOrEqualTo(4);
    Thread.sleep(500);
    int after = f.api.calls("sendChatAction").size();
    Thread.sleep(1000);
    assertThat(f.api.calls("sendChatAction")).as("no typing once the task ended").hasSize(after);
  }

  @Test
  void statusAndCancelByCommandMidTask() throws Exception {
    start(Limits.TELEGRAM, TelegramFixture.chatConfig().build());
    int asked = f.api.say(ALICE, "slow 100 100");
    Msg status = botMessage(ALICE, startsWith("On it"));
    await().atMost(Duration.ofSeconds(5)).until(() -> status.text().contains("step"));
    String id = status.text().replaceAll(".*task (\\w+).*", "$1").replaceAll("(?s)^Task (\\w+):.*", "$1");
    f.api.say(ALICE, "/status");
    Msg answer = botMessage(ALICE, startsWith("Task " + id + " (slow 100 100): running"));
    assertThat(answer.text()).contains("step");
    f.api.say(ALICE, "/cancel " + id);
    botMessage(ALICE, m -> m.text().equals("Stopping task " + id + "…") || m.text().equals("Canceled task " + id + "."));
    Msg outcome = botMessage(ALICE, startsWith("Task " + id + " was canceled"));
    assertThat(outcome.replyTo).isEqualTo(asked);
    await().atMost(Duration.ofSeconds(5)).until(() -> status.text().equals("Task " + id + ": canceled."));
    assertThat(status.buttons()).isEmpty();
  }

  @Test
  void theCancelButtonCancelsAndIsAnswered() throws Exception {
    start(Limits.TELEGRAM, TelegramFixture.chatConfig().build());
    int asked = f.api.say(ALICE, "slow 100 100");
    Msg status = botMessage(ALICE, startsWith("On it"));
    String data = status.firstButtonData();
    assertThat(data).startsWith("/cancel ");
    f.api.press(ALICE, ALICE, status.id, data);
    await().atMost(Duration.ofSeconds(5)).until(() -> !f.api.calls("answerCallbackQuery").isEmpty());
    var answered = f.api.calls("answerCallbackQuery").getFirst();
    assertThat(answered.status()).isEqualTo(200);
    assertThat(answered.params().path("text").asText()).matches("(Stopping|Canceled) task \\w+.*");
    Msg outcome = botMessage(ALICE, m -> m.text().contains("was canceled"));
    assertThat(outcome.replyTo).isEqualTo(asked);
    await().atMost(Duration.ofSeconds(5)).until(() -> status.text().endsWith(": canceled."));
    assertThat(status.buttons()).as("no Cancel under a finished task").isEmpty();
  }

  @Test
  void tenRapidMessagesAreEachAnsweredOnceInOrder() throws Exception {
    start(Limits.TELEGRAM, TelegramFixture.chatConfig().build());
    List<Integer> asked = new ArrayList<>();
    for (int i = 1; i <= 10; i++) asked.add(f.api.say(ALICE, "message " + i));
    await().atMost(Duration.ofSeconds(30)).until(() -> f.api.chats.fromBot(ALICE).stream()
        .filter(m -> m.text().startsWith("echo: ")).count() == 10);
    List<Msg> results = f.api.chats.fromBot(ALICE).stream().filter(m -> m.text().startsWith("echo: ")).toList();
    for (int i = 0; i < 10; i++) {
      assertThat(results.get(i).text()).isEqualTo("echo: message " + (i + 1));
      assertThat(results.get(i).replyTo).isEqualTo(asked.get(i));
    }
    assertThat(f.api.calls("setMessageReaction")).hasSize(10);
    Thread.sleep(500);
    assertThat(f.api.chats.fromBot(ALICE).stream().filter(m -> m.text().startsWith("echo: "))).hasSize(10);
  }
}
