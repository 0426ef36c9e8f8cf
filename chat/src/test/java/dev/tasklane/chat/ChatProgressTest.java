package dev.tasklane.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ChatProgressTest extends ChatTestBase {
  @Test
  void longTaskGetsAnAckThenOneStatusMessageEditedInPlaceThenTheReply() {
    start(ChatFixture.fastConfig().yieldWindow(Duration.ofMillis(200))
        .progressEditInterval(Duration.ofMillis(300)).build());
    IncomingMessage m = ChatFixture.message("c1", "slow 12 150");
    TimedChannel timed = new TimedChannel();
    f.chat.addChannel(timed);
    IncomingMessage onTimed = new IncomingMessage("timed", "c1", m.messageId(), "alice", m.text());

    Reply r = f.chat.receive(onTimed);
    String id = r.taskId().toString();

    assertThat(r.answer().status()).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> timed.sent.size() == 2);
    RecordingChannel.Sent ack = timed.sent.get(0);
    RecordingChannel.Sent result = timed.sent.get(1);
    assertThat(ack.text()).startsWith("On it — task " + id);
    assertThat(ack.replyTo()).isEqualTo(m.messageId());
    assertThat(result.text()).isEqualTo("slow work done after 12 steps");
    assertThat(result.replyTo()).isEqualTo(m.messageId());
    // every edit went to the one status message, progress shown, final text last
    await().atMost(Duration.ofSeconds(5)).until(() -> timed.edits.getLast().text().contains("completed"));
    assertThat(timed.edits).allSatisfy(e -> assertThat(e.platformId()).isEqualTo(ack.platformId()));
    assertThat(timed.edits.size()).isGreaterThanOrEqualTo(3);
    assertThat(timed.edits).anySatisfy(e -> assertThat(e.text()).matches(
        "Task " + id + ": running, \\d+s — step \\d+ of 12 \\(\\d+%\\)\\. /status " + id + " to check, /cancel " + id
            + " to stop\\."));
    assertThat(timed.edits.getLast().text()).matches("Task " + id + ": completed in \\d+s\\.");
    // throttled: never two edits closer than the interval (small allowance for timer jitter)
    for (int i = 1; i < timed.editTimes.size(); i++) {
      assertThat(Duration.between(timed.editTimes.get(i - 1), timed.editTimes.get(i)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(280));
    }
    // the transcript holds the same: the status entry with its final text, then the reply
    List<ChatMessage> transcript = f.chat.transcript(onTimed.sessionKey(), 0, 10);
    assertThat(transcript).hasSize(3);
    assertThat(transcript.get(1).status()).isTrue();
    assertThat(transcript.get(1).text()).isEqualTo(timed.edits.getLast().text());
    assertThat(transcript.get(1).editedAt()).isNotNull();
    assertThat(transcript.get(2).text()).isEqualTo("slow work done after 12 steps");
    assertThat(transcript.get(2).replyTo()).isEqualTo(r.userMessage().id());
    assertThat(timed.sent).hasSize(2);
  }

  @Test
  void handlerThatOnlyWritesOutputShowsItsLastLine() {
    start(ChatFixture.fastConfig().yieldWindow(Duration.ofMillis(100))
        .progressEditInterval(Duration.ofMillis(200)).build());
    Reply r = f.say("c1", "chatty 10 150");
    String id = r.taskId().toString();

    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.edits().stream()
        .anyMatch(e -> e.text().matches("Task " + id + ": running, \\d+s — compiling module \\d+\\. .*")));
  }

  @Test
  void failedEditsAreTriedAgainWithTheNewestText() {
    start(ChatFixture.fastConfig().yieldWindow(Duration.ofMillis(100))
        .progressEditInterval(Duration.ofMillis(200)).build());
    f.channel.failNextEdits(1000); // the platform refuses every edit while the task runs
    Reply r = f.say("c1", "slow 4 200");
    String id = r.taskId().toString();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.channel.sent().size() == 2);
    sleep(300); // the final text was tried too, and refused
    assertThat(f.channel.edits()).isEmpty();

    f.channel.failNextEdits(0);

    await().atMost(Duration.ofSeconds(5)).until(() -> !f.channel.edits().isEmpty()
        && f.channel.edits().getLast().text().equals(f.chat.transcript("test:c1", 0, 10).get(1).text()));
    assertThat(f.channel.edits().getLast().text()).startsWith("Task " + id + ": completed in ");
  }

  @Test
  void quietHandlerGetsAHeartbeatLine() {
    start(ChatFixture.fastConfig().yieldWindow(Duration.ofMillis(100))
        .progressEditInterval(Duration.ofMillis(200)).heartbeatAfter(Duration.ofMillis(800)).build());
    Reply r = f.say("c1", "quiet 2500");
    String id = r.taskId().toString();

    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.edits().stream()
        .anyMatch(e -> e.text().startsWith("Task " + id + ": still working, ")));
    assertThat(f.channel.edits().stream().filter(e -> e.text().contains("still working")).findFirst().orElseThrow()
        .text()).matches("Task " + id + ": still working, \\ds\\. /status " + id + " to check, /cancel " + id
            + " to stop\\.");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.sent().stream()
        .anyMatch(s -> s.text().equals("quiet work done")));
  }

  @Test
  void canceledTaskClosesItsStatusMessageAndSaysSo() {
    start(ChatFixture.fastConfig().yieldWindow(Duration.ofMillis(100)).build());
    Reply r = f.say("c1", "slow 100 50");
    String id = r.taskId().toString();
    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.sent().size() == 1);

    f.say("c1", "/cancel " + id);

    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.edits().stream()
        .anyMatch(e -> e.text().equals("Task " + id + ": canceled.")));
    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.sent().stream()
        .anyMatch(s -> s.text().equals("Task " + id + " was canceled.") && s.replyTo() != null));
  }

  /** A channel that notes when each edit arrived, to check the throttle. */
  static final class TimedChannel implements ChatChannel {
    final List<RecordingChannel.Sent> sent = new CopyOnWriteArrayList<>();
    final List<RecordingChannel.Edit> edits = new CopyOnWriteArrayList<>();
    final List<Instant> editTimes = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "timed";
    }

    @Override
    public String send(String chatId, String text, String replyTo) {
      String id = "t" + sent.size();
      sent.add(new RecordingChannel.Sent(chatId, text, replyTo, id));
      return id;
    }

    @Override
    public void edit(String chatId, String platformMessageId, String text) {
      editTimes.add(Instant.now());
      edits.add(new RecordingChannel.Edit(chatId, platformMessageId, text));
    }
  }
}
