package dev.tasklane.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.core.Subscription;
import dev.tasklane.core.TaskState;
import dev.tasklane.store.Database;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes, each a lane and a chat service, on one PostgreSQL database: a chat followed on one node
 * shows what the other writes, and every message reaches the platform once, whichever node sends it.
 */
class ChatAcrossNodesTest {
  private final Supplier<Database> database = ChatFixture.postgresql();
  private final List<ChatFixture> nodes = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    nodes.forEach(ChatFixture::close);
  }

  private ChatFixture node(ChatConfig config, int workers) {
    ChatFixture n = ChatFixture.node(database, config, workers);
    nodes.add(n);
    return n;
  }

  @Test
  void aChatFollowedOnANodeWithoutWorkersShowsTheReplyOfATaskRunElsewhereAndItIsSentOnce() {
    ChatConfig config = ChatFixture.fastConfig().yieldWindow(Duration.ZERO).build();
    ChatFixture a = node(config, 0); // takes messages, runs no tasks
    ChatFixture b = node(config, 4);
    List<ChatMessage> seen = new CopyOnWriteArrayList<>();
    try (Subscription ignored = a.chat.subscribe("test:c1", 0, seen::add)) {
      Reply r = a.say("c1", "slow 3 100");
      await().atMost(Duration.ofSeconds(10))
          .until(() -> seen.stream().anyMatch(m -> m.text().contains("slow work done")));
      assertThat(b.lane.get(r.taskId()).orElseThrow().state()).isEqualTo(TaskState.COMPLETED);

      b.say("c1", "hello from b");
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().anyMatch(m -> m.text().equals("echo: hello from b")));
    }
    assertThat(seen.stream().filter(m -> m.text().contains("slow work done")).map(ChatMessage::id).distinct())
        .as("one reply entry").hasSize(1);
    List<Long> ids = seen.stream().map(ChatMessage::id).distinct().toList();
    assertThat(ids).as("new entries in transcript order").isSorted();
    assertThat(seen.stream().filter(m -> m.role() == ChatMessage.Role.USER).map(ChatMessage::text))
        .containsExactly("slow 3 100", "hello from b");

    await().atMost(Duration.ofSeconds(10)).until(() -> sent(a, b, "slow work done").size() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> sent(a, b, "echo: hello from b").size() == 1);
    ChatTestBase.sleep(500); // a second sender would have sent by now
    assertThat(sent(a, b, "slow work done")).as("sent by one node").hasSize(1);
    assertThat(sent(a, b, "echo: hello from b")).hasSize(1);
  }

  @Test
  void aStatusMessageAnotherNodeSentIsEditedByTheNodeThatWroteIt() {
    ChatConfig config = ChatFixture.fastConfig().yieldWindow(Duration.ZERO).build();
    ChatFixture a = node(config, 0);
    a.channel.failNextSends(1_000); // a's platform connection is down: b sends what a wrote
    ChatFixture b = node(config, 4);
    a.say("c4", "slow 8 500");
    await().atMost(Duration.ofSeconds(10)).until(() -> !b.channel.sentTo("c4").isEmpty());
    String status = b.channel.sentTo("c4").getFirst().platformId();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> a.channel.edits().stream().anyMatch(e -> e.platformId().equals(status)));
    await().atMost(Duration.ofSeconds(10)).until(() -> sent(a, b, "slow work done").size() == 1);
    // b ran the task and most likely recorded its outcome: a, which keeps the status, shows the final state anyway
    await().atMost(Duration.ofSeconds(10)).until(() -> a.channel.edits().stream()
        .anyMatch(e -> e.platformId().equals(status) && e.text().contains("completed")));
    assertThat(b.channel.edits()).as("only the node that follows the task edits its status").isEmpty();
  }

  @Test
  void whenTheNodeKeepingAStatusMessageStopsAnotherKeepsItUpToDate() {
    ChatConfig config = ChatFixture.fastConfig().yieldWindow(Duration.ZERO).build();
    ChatFixture a = node(config, 0);
    ChatFixture b = node(config, 4);
    a.say("c5", "slow 12 500");
    await().atMost(Duration.ofSeconds(10)).until(() -> !a.channel.sentTo("c5").isEmpty()
        || !b.channel.sentTo("c5").isEmpty());
    String status = Stream.concat(a.channel.sentTo("c5").stream(), b.channel.sentTo("c5").stream())
        .findFirst().orElseThrow().platformId();
    nodes.remove(a);
    a.close(); // stopped: the status messages it kept are for another node to keep

    await().atMost(Duration.ofSeconds(10))
        .until(() -> b.channel.edits().stream().anyMatch(e -> e.platformId().equals(status)));
    await().atMost(Duration.ofSeconds(15)).until(() -> b.channel.sentTo("c5").stream()
        .anyMatch(m -> m.text().contains("slow work done")));
  }

  @Test
  void aStatusMessageIsTakenOverOnlyByANodeThatCanEditItOnItsPlatform() {
    ChatConfig config = ChatFixture.fastConfig().yieldWindow(Duration.ZERO).build();
    ChatFixture a = node(config, 0);
    ChatFixture b = ChatFixture.nodeWithoutChannels(database, config, 4); // runs the task; has no channel
    nodes.add(b);
    a.say("c7", "slow 6 500");
    await().atMost(Duration.ofSeconds(10)).until(() -> !a.channel.sentTo("c7").isEmpty());
    String status = a.channel.sentTo("c7").getFirst().platformId();
    nodes.remove(a);
    a.close();
    ChatTestBase.sleep(1_500); // b looks for status messages to take over, every heartbeat

    ChatFixture c = node(config, 0);
    await().atMost(Duration.ofSeconds(15)).until(() -> c.channel.edits().stream()
        .anyMatch(e -> e.platformId().equals(status) && e.text().contains("completed")));
    await().atMost(Duration.ofSeconds(10)).until(() -> c.channel.sentTo("c7").stream()
        .anyMatch(m -> m.text().contains("slow work done")));
  }

  @Test
  void aMessageANodeFailedToSendIsLeftToAnotherNodeThatCanSendIt() {
    ChatConfig config = ChatFixture.fastConfig().build();
    ChatFixture a = node(config, 4);
    a.channel.failNextSends(1_000); // a's connection to the platform is down for good
    ChatFixture b = node(config, 0);
    for (int i = 0; i < 3; i++) a.say("c8-" + i, "down " + i);

    await().atMost(Duration.ofSeconds(10)).until(() -> sent(a, b, "echo: down").size() == 3);
    assertThat(a.channel.sent()).isEmpty();
    ChatTestBase.sleep(500);
    // a tried each message at most once: its retries wait while another node can take them
    assertThat(a.channel.sendCalls()).isLessThanOrEqualTo(b.channel.sent().size());
  }

  @Test
  void aMessageANodeIsSendingIsNotSentByAnother() {
    ChatConfig config = ChatFixture.fastConfig().build();
    ChatFixture a = node(config, 4);
    a.channel.slowSends(3_000);
    a.say("c3", "one");
    await().atMost(Duration.ofSeconds(10)).until(() -> a.channel.sendCalls() == 1);

    ChatFixture b = node(config, 4); // its sender looks at the outbox while a's send is under way
    await().atMost(Duration.ofSeconds(10)).until(() -> !sent(a, b, "echo: one").isEmpty());
    ChatTestBase.sleep(1_500);
    assertThat(sent(a, b, "echo: one")).as("sent by one node").hasSize(1);
    assertThat(b.channel.sendCalls()).isZero();
  }

  @Test
  void aNodeThatStopsMidSendHandsTheMessageOverAtOnce() {
    ChatConfig config = ChatFixture.fastConfig().build(); // a claim of a minute
    ChatFixture a = node(config, 4);
    a.channel.hangSends();
    a.say("c6", "one");
    await().atMost(Duration.ofSeconds(10)).until(() -> a.channel.sendCalls() == 1);
    ChatFixture b = node(config, 4);
    nodes.remove(a);
    a.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> b.channel.sentTo("c6").size() == 1);
    assertThat(b.channel.sentTo("c6").getFirst().text()).isEqualTo("echo: one");
  }

  @Test
  void whenTheNodeSendingAMessageStallsMidSendAnotherSendsItOnceItsClaimRanOut() {
    ChatConfig config = ChatFixture.fastConfig().deliveryLease(Duration.ofSeconds(1)).build();
    ChatFixture a = node(config, 4);
    a.channel.hangSends();
    a.say("c2", "one");
    await().atMost(Duration.ofSeconds(10)).until(() -> a.channel.sendCalls() == 1);

    ChatFixture b = node(config, 4);
    await().atMost(Duration.ofSeconds(10)).until(() -> b.channel.sentTo("c2").size() == 1);
    assertThat(b.channel.sentTo("c2").getFirst().text()).isEqualTo("echo: one");
    assertThat(a.channel.sent()).as("the stalled send never went through").isEmpty();
    assertThat(a.channel.sendCalls()).as("a does not try again while it holds the claim").isEqualTo(1);
  }

  private static List<RecordingChannel.Sent> sent(ChatFixture a, ChatFixture b, String text) {
    return Stream.concat(a.channel.sent().stream(), b.channel.sent().stream())
        .filter(s -> s.text().contains(text)).toList();
  }
}
