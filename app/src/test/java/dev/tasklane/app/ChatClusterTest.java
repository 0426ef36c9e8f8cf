package dev.tasklane.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.gateway.api.Json;
import dev.tasklane.telegram.FakeBotApi;
import dev.tasklane.telegram.FakeBotApi.Call;
import dev.tasklane.telegram.FakeChats.Msg;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat across nodes with real processes: three {@code tasklane serve} nodes on one PostgreSQL,
 * each with the same Telegram bot talking to one test Bot API server (on a port of its own, so that
 * every call says which node made it). Node {@code a} runs no tasks and polls: the others' first
 * call to Telegram is held until it does; {@code b} and {@code c} run the tasks. A node is killed with SIGKILL while it
 * is in the middle of sending replies, then the polling node while a task it received runs
 * elsewhere: every message is answered once, counted at the Bot API server, and the status message
 * reaches its final state. The tests run in order, each killing one node.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatClusterTest {
  /** Short, so that a dead node's claim on a reply runs out within the test. */
  private static final Duration DELIVERY_LEASE = Duration.ofSeconds(4);
  private static final long FIRST_USER = 601;
  private static final int USERS = 10;

  @TempDir static Path dir;
  private static FakeBotApi api;
  private static ClusterNodes cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    api = FakeBotApi.start();
    Path agent = dir.resolve("agent.sh");
    Files.writeString(agent, """
        msg="$1"
        case "$msg" in
          slow*) for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14; do echo "step $i of 14"; sleep 1; done ;;
          brief*) for i in 1 2 3; do echo "step $i of 3"; sleep 1; done ;;
        esac
        echo "done: $msg"
        """);
    String allow = LongStream.range(FIRST_USER, FIRST_USER + USERS).mapToObj(Long::toString)
        .collect(Collectors.joining(","));
    cluster = new ClusterNodes(dir).env("TASKLANE_TELEGRAM_TOKEN", FakeBotApi.TOKEN)
        .env("TASKLANE_TELEGRAM_ALLOW", allow).configure(node -> config(node, agent));
    api.hold("getMe", node -> !node.equals("a"));
    try (ExecutorService starts = Executors.newVirtualThreadPerTaskExecutor()) {
      var poller = starts.submit(() -> cluster.serve(List.of("a"), "--no-workers"));
      var workers = starts.submit(() -> cluster.serve(List.of("b", "c")));
      poller.get();
      workers.get();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> !pollers().isEmpty());
    api.releaseHeld(node -> true);
    await().atMost(Duration.ofSeconds(20)).until(() -> connected().containsAll(List.of("a", "b", "c")));
  }

  /** The node's configuration file: the agent, the Bot API server's port for this node, a short delivery lease. */
  private static String config(String node, Path agent) {
    ObjectNode root = Json.object();
    root.putObject("agents").putObject("profiles").putObject("worker").putArray("command").add("sh")
        .add(agent.toString()).add("{message}");
    try {
      root.putObject("telegram").put("apiUrl", api.url(node).toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    root.putObject("chat").put("deliveryLease", DELIVERY_LEASE.toSeconds() + "s").put("progressEditInterval", "1s");
    return Json.write(root);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (api != null) api.close();
  }

  @Test
  @Order(1)
  void whenTheNodesSendingRepliesAreCaughtMidSendAndOneIsKilledEveryReplyIsDeliveredOnceByAnother() throws Exception {
    api.holdSends(); // every node's send waits in flight: each holds the reply it claimed
    for (int i = 0; i < 6; i++) api.say(FIRST_USER + i, "hello " + i);
    await().atMost(Duration.ofSeconds(20)).until(() -> api.held().stream().map(Call::node).collect(Collectors.toSet())
        .containsAll(List.of("a", "b", "c")));
    List<Call> held = api.held();
    assertThat(held).as("one reply in flight per node: the others wait, unclaimed").hasSize(3);
    String victimChat = held.stream().filter(c -> c.node().equals("b")).findFirst().orElseThrow().params()
        .path("chat_id").asText();

    kill("b");
    long killedAt = System.nanoTime();
    api.releaseHeld(node -> !node.equals("b")); // b's send never reached Telegram; the others' did

    await().atMost(Duration.ofSeconds(30)).until(() -> LongStream.range(0, 6)
        .allMatch(i -> delivered(FIRST_USER + i, "done: hello " + i).size() == 1));
    Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
    Thread.sleep(1_000); // a second delivery would have arrived by now
    for (int i = 0; i < 6; i++) {
      List<Call> replies = delivered(FIRST_USER + i, "done: hello " + i);
      assertThat(replies).as("the reply to hello %d, delivered once", i).hasSize(1);
      assertThat(api.chats.fromBot(FIRST_USER + i)).extracting(Msg::text).filteredOn(t -> t.startsWith("done"))
          .as("what the chat shows").containsExactly("done: hello " + i);
    }
    Call handedOver = delivered(Long.parseLong(victimChat), "done: hello").getFirst();
    assertThat(handedOver.node()).as("the killed node's reply, sent by another").isIn("a", "c");
    assertThat(took).as("delivered within the claim's lease plus seconds")
        .isLessThan(DELIVERY_LEASE.plusSeconds(6));
  }

  @Test
  @Order(2)
  void whenThePollingNodeIsKilledMidTaskAnotherPollsAndTheTaskItReceivedReachesItsChatOnce() throws Exception {
    assertThat(pollers()).as("while the others run the bot too, one node polls").containsExactly("a");
    long slowUser = FIRST_USER + 6;
    long briefUser = FIRST_USER + 9;
    api.say(slowUser, "slow job");
    api.say(briefUser, "brief job");
    await().atMost(Duration.ofSeconds(20)).until(() -> statusMessage(slowUser) != null
        && statusEdits(slowUser).stream().anyMatch(c -> text(c).contains("step")));
    // The brief task ran on the worker, which recorded its outcome: the receiving node shows its final state.
    await().atMost(Duration.ofSeconds(20)).until(() -> statusMessage(briefUser) != null
        && statusMessage(briefUser).text().contains("completed"));
    assertThat(statusEdits(slowUser)).as("kept up to date by the node that received it").extracting(Call::node)
        .containsOnly("a");
    assertThat(statusEdits(briefUser)).as("edited by the node that received it").extracting(Call::node)
        .containsOnly("a");

    long before = FIRST_USER + 7;
    long after = FIRST_USER + 8;
    for (int i = 1; i <= 3; i++) api.say(before, "hello before " + i);
    kill("a");
    long killedAt = System.nanoTime();
    int receivedBefore = api.received("getUpdates").size();
    for (int i = 1; i <= 3; i++) api.say(after, "hello after " + i);

    await().atMost(Duration.ofSeconds(10)).until(() -> api.received("getUpdates").stream().skip(receivedBefore)
        .anyMatch(c -> !c.node().equals("a")));
    assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).as("polling moved within seconds")
        .isLessThan(Duration.ofSeconds(6));
    await().atMost(Duration.ofSeconds(40)).until(() -> delivered(slowUser, "done: slow job").size() == 1
        && delivered(before, "done: hello before").size() == 3 && delivered(after, "done: hello after").size() == 3
        && statusMessage(slowUser).text().contains("completed"));
    Thread.sleep(1_000); // a second delivery or final edit would have arrived by now

    assertThat(delivered(slowUser, "done: slow job")).as("the result, once").hasSize(1);
    assertThat(delivered(before, "done: hello before")).extracting(ChatClusterTest::text)
        .as("the messages sent just before the kill, answered once each, in order")
        .containsExactly("done: hello before 1", "done: hello before 2", "done: hello before 3");
    assertThat(delivered(after, "done: hello after")).extracting(ChatClusterTest::text)
        .as("the messages sent after the kill, answered once each, in order")
        .containsExactly("done: hello after 1", "done: hello after 2", "done: hello after 3");
    String finalText = statusMessage(slowUser).text();
    assertThat(finalText).matches("Task \\S+: completed in .*");
    List<Call> edits = statusEdits(slowUser);
    assertThat(edits.stream().filter(c -> text(c).equals(finalText))).as("the final state, shown once").hasSize(1);
    assertThat(edits.stream().filter(c -> c.atNanos() > killedAt && text(c).contains("step")))
        .as("progress edits after the receiving node was killed, by another").isNotEmpty()
        .allMatch(c -> !c.node().equals("a"));
    assertThat(statusMessage(slowUser).buttons()).as("the final edit took the Cancel button away").isEmpty();
  }

  /** The nodes that asked Telegram for updates so far. */
  private static Set<String> pollers() {
    return api.received("getUpdates").stream().map(Call::node).collect(Collectors.toSet());
  }

  /** The nodes whose bot connected to Telegram. */
  private static Set<String> connected() {
    return api.received("setMyCommands").stream().map(Call::node).collect(Collectors.toSet());
  }

  /** The replies containing {@code text} the chat received (answered sends). */
  private static List<Call> delivered(long chat, String text) {
    return api.calls("sendMessage").stream().filter(c -> c.status() == 200)
        .filter(c -> c.params().path("chat_id").asLong() == chat && text(c).contains(text)).toList();
  }

  /** The bot's status message in a chat (its first message, "On it"), or null. */
  private static Msg statusMessage(long chat) {
    return api.chats.fromBot(chat).stream().filter(m -> m.texts.getFirst().startsWith("On it")).findFirst()
        .orElse(null);
  }

  /** The edits of the chat's status message that took effect. */
  private static List<Call> statusEdits(long chat) {
    Msg status = statusMessage(chat);
    if (status == null) return List.of();
    return api.calls("editMessageText").stream().filter(c -> c.status() == 200)
        .filter(c -> c.params().path("chat_id").asLong() == chat && c.params().path("message_id").asInt() == status.id)
        .toList();
  }

  private static String text(Call c) {
    return c.params().path("text").asText();
  }

  private static void kill(String node) throws InterruptedException {
    ServerProcess p = cluster.node(node);
    p.process.destroyForcibly(); // SIGKILL: no shutdown hook, no claim handed back
    p.process.waitFor();
  }
}
