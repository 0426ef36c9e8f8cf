package dev.tasklane.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.chat.ChatMessage.Role;
import dev.tasklane.chat.OutboxSql.Target;
import dev.tasklane.chat.TranscriptSql.NewEntry;
import dev.tasklane.core.Origin;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.TaskId;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One channel's backlog never holds up another channel's deliveries, whether the channel is not
 * registered, keeps failing or hangs; a task without a chat origin leaves nothing to deliver; and
 * the status messages followed at once are bounded.
 */
class ChatBacklogTest extends ChatTestBase {
  static final int BACKLOG = 150;
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void releaseHangingPlatform() {
    release.countDown();
  }

  /** Messages for {@code channel} in {@code chats} chats, {@code perChat} each, as a backlog would leave them. */
  private void backlog(String channel, int chats, int perChat) {
    for (int c = 0; c < chats; c++) waiting(channel, "c" + c, perChat);
  }

  private void waiting(String channel, String chatId, int messages) {
    f.lane.database().write(tx -> {
      for (int i = 0; i < messages; i++) {
        ChatMessage m = TranscriptSql.insert(tx.connection(), new NewEntry(channel + ":" + chatId, Role.ASSISTANT,
            "waiting " + i, null, null, Instant.now(), false, channel, chatId, null));
        OutboxSql.enqueue(tx.connection(), m.id(), new Target(channel, chatId, null), null, Instant.now());
      }
      return null;
    });
  }

  private void assertAnswerArrivesPromptly() {
    Reply r = f.say("c1", "/help");
    await().atMost(Duration.ofSeconds(3)).until(() -> f.channel.sentTo("c1").stream()
        .anyMatch(s -> s.text().equals(r.answer().text())));
  }

  @Test
  void anUnregisteredChannelsBacklogDoesNotHoldUpAnother() {
    start(ChatFixture.fastConfig().build());
    backlog("gone", BACKLOG, 1);
    assertAnswerArrivesPromptly();
  }

  @Test
  void aPlatformThatKeepsFailingDoesNotHoldUpAnother() {
    start(ChatFixture.fastConfig().deliveryRetryBase(Duration.ofSeconds(1)).deliveryRetryMax(Duration.ofSeconds(1))
        .build());
    RecordingChannel down = new RecordingChannel("down");
    down.failNextSends(Integer.MAX_VALUE);
    f.chat.addChannel(down);
    backlog("down", BACKLOG, 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> down.sendCalls() >= BACKLOG);
    assertAnswerArrivesPromptly();
  }

  @Test
  void aChatWhoseMessagesKeepFailingDoesNotHoldUpTheOtherChatsOfItsChannel() {
    start(ChatFixture.fastConfig().deliveryRetryBase(Duration.ofSeconds(1)).deliveryRetryMax(Duration.ofSeconds(1))
        .build());
    CountDownLatch refused = new CountDownLatch(1);
    RecordingChannel group = new RecordingChannel("group") {
      @Override
      public String send(String chatId, String text, String replyTo) throws Exception {
        if (chatId.equals("blocked")) {
          refused.countDown();
          throw new java.io.IOException("the bot was blocked in this chat");
        }
        return super.send(chatId, text, replyTo);
      }
    };
    f.chat.addChannel(group);
    waiting("group", "blocked", BACKLOG); // its first message fails, and the rest of its chat waits for it
    await().atMost(Duration.ofSeconds(5)).until(() -> refused.getCount() == 0);
    waiting("group", "team", 1);
    await().atMost(Duration.ofSeconds(3)).until(() -> group.sentTo("team").size() == 1);
  }

  @Test
  void aPlatformThatHangsDoesNotHoldUpAnother() {
    start(ChatFixture.fastConfig().build());
    CountDownLatch sending = new CountDownLatch(1);
    f.chat.addChannel(new RecordingChannel("stuck") {
      @Override
      public String send(String chatId, String text, String replyTo) throws Exception {
        sending.countDown();
        release.await(30, TimeUnit.SECONDS);
        return super.send(chatId, text, replyTo);
      }
    });
    backlog("stuck", 1, 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> sending.getCount() == 0);
    assertAnswerArrivesPromptly();
  }

  @Test
  void aTaskWithoutAChatOriginLeavesNothingToDeliver() {
    start(ChatFixture.fastConfig().build());
    TaskId id = f.lane.submit(SubmitRequest.builder("web:api", "echo")
        .origin(new Origin(null, null, null, "ci")).build()).task().id();
    await().atMost(Duration.ofSeconds(5)).until(() -> f.lane.require(id).isTerminal());
    assertAnswerArrivesPromptly(); // the follower has passed the task's events by now
    Optional<Long> delivery = f.lane.database().read(tx -> OutboxSql.outcomeEntry(tx.connection(), id));
    assertThat(delivery).isEmpty();
  }

  @Test
  void theStatusMessagesFollowedAtOnceAreBounded() {
    start(ChatFixture.fastConfig().yieldWindow(Duration.ZERO).maxTrackedStatusMessages(3).build());
    f.channel.failNextSends(Integer.MAX_VALUE); // nothing reaches the platform, so nothing is let go
    for (int i = 0; i < 8; i++) f.say("chat" + i, "quiet " + (i < 4 ? 10 : 5000));
    assertThat(f.chat.trackedStatusMessages()).isLessThanOrEqualTo(3);
  }
}
