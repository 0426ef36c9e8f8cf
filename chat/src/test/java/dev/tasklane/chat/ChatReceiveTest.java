package dev.tasklane.chat;

import static dev.tasklane.chat.ChatFixture.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tasklane.chat.ChatMessage.Role;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.core.TaskState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChatReceiveTest extends ChatTestBase {
  @Test
  void quickTaskIsAnsweredWithItsResultWithinTheYieldWindow() {
    start(ChatFixture.fastConfig().yieldWindow(Duration.ofSeconds(5)).build());
    IncomingMessage m = message("c1", "hello there");

    long start = System.nanoTime();
    Reply r = f.chat.receive(m);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(Duration.ofMillis(4900)); // the result ended the wait, not the window
    assertThat(r.duplicate()).isFalse();
    assertThat(r.taskId()).isNotNull();
    assertThat(r.answer().text()).isEqualTo("echo: hello there");
    assertThat(r.answer().replyTo()).isEqualTo(r.userMessage().id());
    assertThat(r.answer().status()).isFalse();
    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.sent().size() == 1);
    RecordingChannel.Sent sent = f.channel.sent().getFirst();
    assertThat(sent.text()).isEqualTo("echo: hello there");
    assertThat(sent.replyTo()).isEqualTo(m.messageId());
    assertThat(sent.chatId()).isEqualTo("c1");
    assertThat(f.channel.typing()).containsExactly("c1");
    // the outcome is delivered once even though the event follower also saw it finish
    sleep(700);
    assertThat(f.channel.sent()).hasSize(1);
    assertThat(f.chat.transcript(m.sessionKey(), 0, 10)).extracting(ChatMessage::role, ChatMessage::text)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Role.USER, "hello there"),
            org.assertj.core.groups.Tuple.tuple(Role.ASSISTANT, "echo: hello there"));
  }

  @Test
  void theChannelGetsTheTaskReceiptAtOnceWhileTheAnswerWaitsForTheWindow() throws Exception {
    start(ChatFixture.fastConfig().yieldWindow(Duration.ofSeconds(3)).build());
    IncomingMessage m = message("c1", "quiet 5000");
    var answered = java.util.concurrent.CompletableFuture.supplyAsync(() -> f.chat.receive(m));

    await().atMost(Duration.ofSeconds(2)).until(() -> !f.channel.receipts().isEmpty());
    assertThat(answered).as("the answer still waits for the yield window").isNotDone();
    Receipt receipt = f.channel.receipts().getFirst();
    Reply r = answered.get();
    assertThat(receipt.taskId()).isEqualTo(r.taskId());
    assertThat(receipt.chatId()).isEqualTo("c1");
    assertThat(receipt.messageId()).isEqualTo(m.messageId());
    assertThat(receipt.entryId()).isEqualTo(r.userMessage().id());
    assertThat(receipt.state()).isIn(TaskState.QUEUED, TaskState.RUNNING);
    assertThat(receipt.position() >= 0).isEqualTo(receipt.state() == TaskState.QUEUED);
    // A command starts no task: no receipt.
    f.say("c1", "/tasks");
    assertThat(f.channel.receipts()).hasSize(1);
  }

  @Test
  void aMessageStoredButNeverAnsweredBeforeARestartIsAnsweredWhenItComesAgain() {
    start(ChatFixture.fastConfig().build());
    IncomingMessage m = message("c1", "hello after the crash");
    // The process dies after the message is stored and before it is answered.
    f.chat.setAgentRouter((session, text) -> {
      throw new StackOverflowError("the process dies here");
    });
    assertThatThrownBy(() -> f.chat.receive(m)).isInstanceOf(StackOverflowError.class);
    f = f.restart(ChatFixture.fastConfig().build());

    Reply again = f.chat.receive(m); // the platform delivers it again, seconds later
    assertThat(again.answer()).isNotNull();
    assertThat(again.answer().text()).isEqualTo("echo: hello after the crash");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.sent().size() == 1);
  }

  @Test
  void longTaskIsAcknowledgedWithinTheWindowWithIdAndQueuePosition() {
    start(ChatFixture.fastConfig().yieldWindow(Duration.ofMillis(300)).build());
    Reply first = f.say("c1", "quiet 1500");
    long start = System.nanoTime();
    Reply second = f.say("c1", "quiet 200");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(Duration.ofMillis(300 + 1000)); // the window, and room for a loaded machine
    String id = second.taskId().toString();
    assertThat(first.answer().text()).startsWith("On it — task " + first.taskId() + " is running.");
    assertThat(second.answer().text())
        .isEqualTo("On it — task " + id + ", 1 ahead of it. /status " + id + " to check, /cancel " + id + " to stop.");
    assertThat(second.answer().status()).isTrue();
    assertThat(second.answer().taskId()).isEqualTo(second.taskId());
  }

  @Test
  void queuePositionCountsTheTasksAhead() {
    start(ChatFixture.fastConfig().yieldWindow(Duration.ZERO).build());
    Reply first = f.say("c1", "quiet 3000");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.lane.require(first.taskId()).state() == TaskState.RUNNING);
    f.say("c1", "quiet 10");
    f.say("c1", "quiet 10");
    Reply fourth = f.say("c1", "quiet 10");
    assertThat(fourth.answer().text()).startsWith("On it — task " + fourth.taskId() + ", 3 ahead of it.");
  }

  @Test
  void receiveReturnsWithinTheWindowHoweverLongTheTaskTakes() {
    start(ChatFixture.fastConfig().yieldWindow(Duration.ofMillis(400)).build());
    long start = System.nanoTime();
    Reply r = f.say("c1", "quiet 5000");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isBetween(Duration.ofMillis(350), Duration.ofMillis(400 + 1000));
    assertThat(f.lane.require(r.taskId()).state()).isEqualTo(TaskState.RUNNING);
  }

  @Test
  void duplicateMessageGetsTheEarlierReplyAndChangesNothing() {
    start(ChatFixture.fastConfig().build());
    IncomingMessage m = message("c1", "do it once");
    Reply first = f.chat.receive(m);
    int entries = f.chat.transcript(m.sessionKey(), 0, 10).size();
    Reply again = f.chat.receive(m);

    assertThat(again.duplicate()).isTrue();
    assertThat(again.userMessage()).isEqualTo(first.userMessage());
    assertThat(again.answer().id()).isEqualTo(first.answer().id());
    assertThat(again.taskId()).isEqualTo(first.taskId());
    assertThat(f.lane.list(TaskQuery.session(m.sessionKey())).items()).hasSize(1);
    assertThat(f.chat.transcript(m.sessionKey(), 0, 10)).hasSize(entries);
    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.sent().size() == 1);
    sleep(500);
    assertThat(f.channel.sent()).hasSize(1);
  }

  @Test
  void messageStoredButNeverAnsweredIsAnsweredWhenSentAgain() {
    start(ChatFixture.fastConfig().build());
    IncomingMessage m = message("c1", "answer me");
    // as left by a process that died between storing the message and answering it
    f.lane.database().write(tx -> {
      ChatMessage user = TranscriptSql.insert(tx.connection(), new TranscriptSql.NewEntry(m.sessionKey(), Role.USER,
          m.text(), null, null, java.time.Instant.now().minusSeconds(60), false, "test", "c1", m.messageId()));
      TranscriptSql.insertInbox(tx.connection(), m.sessionKey(), m.messageId(), user.id(), user.at());
      return null;
    });

    Reply r = f.chat.receive(m);

    assertThat(r.duplicate()).isFalse();
    assertThat(r.answer().text()).isEqualTo("echo: answer me");
    assertThat(f.chat.transcript(m.sessionKey(), 0, 10)).hasSize(2);
    Reply again = f.chat.receive(m);
    assertThat(again.duplicate()).isTrue();
    assertThat(again.answer()).isEqualTo(r.answer());
    assertThat(f.lane.list(TaskQuery.session(m.sessionKey())).items()).hasSize(1);
  }

  @Test
  void sameMessageIdInAnotherChatIsNotADuplicate() {
    start(ChatFixture.fastConfig().build());
    Reply a = f.chat.receive(new IncomingMessage("test", "c1", "42", "alice", "hi"));
    Reply b = f.chat.receive(new IncomingMessage("test", "c2", "42", "bob", "hi"));
    assertThat(b.duplicate()).isFalse();
    assertThat(b.taskId()).isNotEqualTo(a.taskId());
  }

  @Test
  void withoutAnAgentFreeTextGetsAFriendlyHowTo() {
    start(ChatFixture.fastConfig().build());
    f.chat.setAgentRouter(null);
    Reply r = f.say("c1", "please refactor the parser");
    assertThat(r.taskId()).isNull();
    assertThat(r.answer().text()).contains("No agent is configured", "/run <command>", "docs/AGENTS.md");
    assertThat(f.lane.list(TaskQuery.all()).items()).isEmpty();

    f.chat.setAgentRouter((session, text) -> java.util.Optional.empty());
    assertThat(f.say("c1", "again").answer().text()).contains("No agent is configured");
  }

  @Test
  void failedTaskDeliversItsErrorCodeAndMessage() {
    start(ChatFixture.fastConfig().build());
    Reply r = f.say("c1", "fail now");
    String id = r.taskId().toString();
    assertThat(r.answer().text())
        .isEqualTo("Task " + id + " failed: bad_input: the input made no sense. /retry " + id + " runs it again.");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.sent().size() == 1);
    assertThat(f.channel.sent().getFirst().text()).contains("bad_input", "the input made no sense");
  }

  @Test
  void badMessagesAreRefusedWithAClearErrorAndNothingStored() {
    start(ChatFixture.fastConfig().maxIncomingChars(10).build());
    assertThatThrownBy(() -> f.chat.receive(new IncomingMessage("test", "c1", null, "a", "hi")))
        .isInstanceOfSatisfying(LaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
        .hasMessageContaining("message id");
    assertThatThrownBy(() -> f.chat.receive(new IncomingMessage("test", "c1", "1", "a", "  ")))
        .isInstanceOfSatisfying(LaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    assertThatThrownBy(() -> f.chat.receive(new IncomingMessage("test", "c1", "2", "a", "12345678901")))
        .isInstanceOfSatisfying(LaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE))
        .hasMessageContaining("at most 10");
    Reply atLimit = f.chat.receive(new IncomingMessage("test", "c1", "3", "a", "1234567890"));
    assertThat(atLimit.answer().text()).isEqualTo("echo: 1234567890");
    assertThat(f.chat.transcript("test:c1", 0, 10)).hasSize(2);
  }
}
