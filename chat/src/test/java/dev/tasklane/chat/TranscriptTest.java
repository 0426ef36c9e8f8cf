package dev.tasklane.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tasklane.chat.ChatMessage.Role;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TranscriptTest extends ChatTestBase {
  @Test
  void transcriptPagesAfterACursorWithinTheLimit() {
    start(ChatFixture.fastConfig().transcriptLimit(3).build());
    for (int i = 1; i <= 3; i++) f.say("c1", "/help");
    f.say("c2", "/help");

    List<ChatMessage> first = f.chat.transcript("test:c1", 0, 3);
    List<ChatMessage> rest = f.chat.transcript("test:c1", first.getLast().id(), 3);

    assertThat(first).extracting(ChatMessage::role).containsExactly(Role.USER, Role.ASSISTANT, Role.USER);
    assertThat(rest).extracting(ChatMessage::role).containsExactly(Role.ASSISTANT, Role.USER, Role.ASSISTANT);
    assertThat(f.chat.transcript("test:c1", rest.getLast().id(), 3)).isEmpty();
    assertThat(f.chat.transcript("test:c2", 0, 3)).hasSize(2);
    assertThatThrownBy(() -> f.chat.transcript("test:c1", 0, 4))
        .isInstanceOfSatisfying(LaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
        .hasMessageContaining("between 1 and 3");
    assertThatThrownBy(() -> f.chat.transcript("test:c1", 0, 0)).isInstanceOf(LaneException.class);
    // the newest entries, oldest first
    List<ChatMessage> all = f.chat.transcript("test:c1", 0, 3);
    all = new java.util.ArrayList<>(all);
    all.addAll(rest);
    assertThat(f.chat.recent("test:c1", 2)).containsExactlyElementsOf(all.subList(4, 6));
    assertThat(f.chat.recent("test:c9", 2)).isEmpty();
    assertThatThrownBy(() -> f.chat.recent("test:c1", 4)).isInstanceOf(LaneException.class);
  }

  @Test
  void subscriptionReplaysThenFollowsNewEntriesAndEditsOfItsSessionOnly() {
    start(ChatFixture.fastConfig().yieldWindow(Duration.ofMillis(100))
        .progressEditInterval(Duration.ofMillis(200)).build());
    Reply before = f.say("c1", "/help");
    List<ChatMessage> seen = new CopyOnWriteArrayList<>();

    try (Subscription s = f.chat.subscribe("test:c1", before.userMessage().id(), seen::add)) {
      f.say("c2", "/help");
      Reply r = f.say("c1", "slow 6 150");

      await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream()
          .anyMatch(m -> m.text().equals("slow work done after 6 steps")));
      await().atMost(Duration.ofSeconds(5)).until(() -> seen.stream()
          .anyMatch(m -> m.status() && m.text().contains("completed")));
      assertThat(seen).allSatisfy(m -> assertThat(m.sessionKey()).isEqualTo("test:c1"));
      assertThat(seen.getFirst()).isEqualTo(before.answer()); // replayed: the entry after the cursor
      long statusUpdates = seen.stream().filter(m -> m.id() == r.answer().id()).count();
      assertThat(statusUpdates).isGreaterThanOrEqualTo(3); // the ack, progress edits, the final text
      assertThat(seen.stream().filter(m -> m.id() == r.answer().id()).map(ChatMessage::editedAt).distinct().count())
          .isEqualTo(statusUpdates); // each edit once
    }
  }

  @Test
  void resubscribingGetsWhatWasMissedIncludingTheLastEditOfAStatusMessage() {
    start(ChatFixture.fastConfig().yieldWindow(Duration.ofMillis(100)).build());
    Reply r = f.say("c1", "quiet 600");
    long cursor = r.answer().id(); // the client saw the ack, then went away
    await().atMost(Duration.ofSeconds(5)).until(() -> f.chat.transcript("test:c1", cursor, 10).size() == 1);
    List<ChatMessage> seen = new CopyOnWriteArrayList<>();

    try (Subscription s = f.chat.subscribe("test:c1", cursor, seen::add)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 2);
      assertThat(seen.get(0).id()).isEqualTo(r.answer().id());
      assertThat(seen.get(0).text()).contains("completed");
      assertThat(seen.get(1).text()).isEqualTo("quiet work done");
    }
  }
}
