package dev.tasklane.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.core.TaskState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatDeliveryTest extends ChatTestBase {
  private static ChatConfig config() {
    return ChatFixture.fastConfig().yieldWindow(Duration.ofMillis(150)).build();
  }

  private static long count(RecordingChannel channel, String text) {
    return channel.sent().stream().filter(s -> s.text().equals(text)).count();
  }

  @Test
  void failedSendIsRetriedWithBackoffAndLaterMessagesOfTheChatWait() {
    start(config());
    f.channel.failNextSends(2);

    Reply first = f.say("c1", "/help");
    Reply second = f.say("c1", "/tasks");

    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.sent().size() == 2);
    assertThat(f.channel.sendCalls()).isEqualTo(4);
    assertThat(f.channel.sent()).extracting(RecordingChannel.Sent::text)
        .containsExactly(first.answer().text(), second.answer().text());
  }

  @Test
  void messageIsGivenUpAfterMaxAttemptsAndTheChatMovesOn() {
    start(ChatFixture.fastConfig().maxDeliveryAttempts(2).build());
    f.channel.failNextSends(2);
    f.say("c1", "/help");
    Reply next = f.say("c1", "/tasks");

    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.sent().size() == 1);
    assertThat(f.channel.sent().getFirst().text()).isEqualTo(next.answer().text());
    sleep(500);
    assertThat(f.channel.sendCalls()).isEqualTo(3);
  }

  @Test
  void longResultIsSentInPartsWithinTheLimit() {
    start(ChatFixture.fastConfig().maxMessageChars(64).build());
    String words = "lorem ipsum dolor sit amet ".repeat(10).strip();
    IncomingMessage m = ChatFixture.message("c1", words);

    f.chat.receive(m);

    String expected = "echo: " + words;
    await().atMost(Duration.ofSeconds(5))
        .until(() -> String.join("", f.channel.sent().stream().map(RecordingChannel.Sent::text).toList())
            .equals(expected));
    List<RecordingChannel.Sent> parts = f.channel.sent();
    assertThat(parts).hasSizeGreaterThan(3);
    assertThat(parts).allSatisfy(p -> assertThat(p.text().length()).isLessThanOrEqualTo(64));
    assertThat(parts.getFirst().replyTo()).isEqualTo(m.messageId());
    assertThat(parts.subList(1, parts.size())).allSatisfy(p -> assertThat(p.replyTo()).isNull());
  }

  @Test
  void resultOfATaskThatFinishedWhileTheChatServiceWasDownIsDeliveredOnceOnStart() {
    start(config());
    Reply r = f.say("c1", "quiet 800");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.sent().size() == 1); // the ack
    f.chat.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> f.lane.require(r.taskId()).state() == TaskState.COMPLETED);
    sleep(300);
    assertThat(count(f.channel, "quiet work done")).isZero();

    f.chat = f.newChat(config());
    f.chat.start();

    await().atMost(Duration.ofSeconds(5)).until(() -> count(f.channel, "quiet work done") == 1);
    f.chat.close();
    f.chat = f.newChat(config());
    f.chat.start();
    sleep(1000);
    assertThat(count(f.channel, "quiet work done")).isEqualTo(1);
    assertThat(f.channel.sent()).hasSize(2);
  }

  @Test
  void deliveredResultIsNotSentAgainAfterARestartOfLaneAndChat() {
    start(config());
    IncomingMessage m = ChatFixture.message("c1", "quiet 300");
    Reply r = f.chat.receive(m);
    await().atMost(Duration.ofSeconds(5)).until(() -> count(f.channel, "quiet work done") == 1);

    f = f.restart(config());

    sleep(1500);
    assertThat(f.channel.sent()).isEmpty();
    Reply again = f.chat.receive(m);
    assertThat(again.duplicate()).isTrue();
    assertThat(again.taskId()).isEqualTo(r.taskId());
    f.say("c1", "still works");
    await().atMost(Duration.ofSeconds(5)).until(() -> count(f.channel, "echo: still works") == 1);
  }

  @Test
  void taskInterruptedByARestartRunsAgainAndItsResultIsDeliveredOnce() {
    start(config());
    Reply r = f.say("c1", "slow 10 150");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.lane.require(r.taskId()).progress().steps() >= 2
        && f.channel.sent().size() == 1);

    f = f.restart(config());

    await().atMost(Duration.ofSeconds(10)).until(() -> count(f.channel, "slow work done after 10 steps") == 1);
    sleep(1000);
    assertThat(f.channel.sent()).extracting(RecordingChannel.Sent::text)
        .containsExactly("slow work done after 10 steps");
    // the status message of the first run is still the one edited, now with its final text
    await().atMost(Duration.ofSeconds(5)).until(() -> !f.channel.edits().isEmpty()
        && f.channel.edits().getLast().text().startsWith("Task " + r.taskId() + ": completed"));
  }

  @Test
  void pendingDeliveriesSurviveARestartAndGoOutOnStart() {
    start(config());
    f.channel.failNextSends(1000);
    Reply r = f.say("c1", "/help");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.sendCalls() >= 1);

    f = f.restart(config());

    await().atMost(Duration.ofSeconds(5)).until(() -> f.channel.sent().size() == 1);
    assertThat(f.channel.sent().getFirst().text()).isEqualTo(r.answer().text());
  }

  @Test
  void messagesForAChannelRegisteredLaterWaitForIt() {
    start(config());
    Reply r = f.chat.receive(new IncomingMessage("late", "c9", "1", "zoe", "/help"));
    sleep(300);
    RecordingChannel late = new RecordingChannel("late");

    f.chat.addChannel(late);

    await().atMost(Duration.ofSeconds(5)).until(() -> late.sent().size() == 1);
    assertThat(late.sent().getFirst().text()).isEqualTo(r.answer().text());
  }
}
