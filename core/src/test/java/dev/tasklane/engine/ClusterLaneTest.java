package dev.tasklane.engine;

import static dev.tasklane.engine.LaneFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.core.Attempt;
import dev.tasklane.core.BusyPolicy;
import dev.tasklane.core.EventType;
import dev.tasklane.core.LaneConfig;
import dev.tasklane.core.Node;
import dev.tasklane.core.Subscription;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskResult;
import dev.tasklane.core.TaskState;
import dev.tasklane.store.postgres.EmbeddedPostgresServer;
import dev.tasklane.store.postgres.PostgresDatabase;
import dev.tasklane.store.postgres.PostgresOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several lanes on one PostgreSQL schema, each with its own pool, writer and listener connection,
 * as several nodes would be. The safety-net poll is slowed to 30 s, so what happens within seconds
 * happened because a node was told.
 */
class ClusterLaneTest {
  private static final Duration SLOW_POLL = Duration.ofSeconds(30);

  private PostgresOptions schema;
  private final List<Lane> lanes = new ArrayList<>();

  @BeforeEach
  void schema() {
    schema = EmbeddedPostgresServer.shared().freshSchema();
  }

  @AfterEach
  void stop() {
    lanes.reversed().forEach(Lane::close);
  }

  private Lane node(String id, Map<String, TaskHandler> handlers, UnaryOperator<LaneConfig.Builder> tune) {
    Lane.Builder b = Lane.builder().database(PostgresDatabase.open(schema))
        .config(tune.apply(LaneFixture.fastConfig().nodeId(id).maintenanceInterval(SLOW_POLL)).build());
    handlers.forEach(b::handler);
    Lane lane = b.start();
    lanes.add(lane);
    return lane;
  }

  @Test
  void aSubmitToANodeWithoutWorkersStartsOnAnotherAtOnce() {
    Lane front = node("front", Map.of("work", ctx -> TaskResult.text("done")), b -> b.concurrency(0));
    node("back", Map.of("work", ctx -> TaskResult.text("done")), b -> b);
    for (int i = 0; i < 5; i++) {
      TaskId id = front.submit(request("s" + i, "work").build()).task().id();
      await().atMost(Duration.ofSeconds(5)).until(() -> front.require(id).state() == TaskState.COMPLETED);
      assertThat(front.attempts(id)).singleElement().extracting(Attempt::owner).isEqualTo("back");
    }
  }

  @Test
  void aSubscriberOnOneNodeGetsEveryEventOfTasksRunningOnOthersInOrderOnce() throws Exception {
    TaskHandler chatty = ctx -> {
      for (int i = 1; i <= 3; i++) {
        ctx.progress(i / 3.0, "step " + i);
        Thread.sleep(120);
      }
      return TaskResult.text("done");
    };
    Lane a = node("a", Map.of("work", chatty), b -> b.concurrency(0));
    node("b", Map.of("work", chatty), b -> b);
    node("c", Map.of("work", chatty), b -> b);
    List<TaskEvent> seen = new CopyOnWriteArrayList<>();
    try (Subscription s = a.subscribeSession("chat", 0, seen::add)) {
      List<TaskId> ids = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        ids.add(a.submit(request("chat", "work").busyPolicy(BusyPolicy.PARALLEL).build()).task().id());
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().allMatch(id -> a.require(id).isTerminal()));
      List<TaskEvent> stored = a.events(ids.getLast(), 0, 100);
      await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains(stored.getLast()));
      List<Long> all = storedIds(a, ids);
      assertThat(seen).extracting(TaskEvent::id).containsExactlyElementsOf(all);
      assertThat(seen).extracting(TaskEvent::type).contains(EventType.PROGRESS);
      Set<String> owners = ConcurrentHashMap.newKeySet();
      ids.forEach(id -> owners.add(a.attempts(id).getLast().owner()));
      assertThat(owners).as("the tasks ran on the other nodes").containsAnyOf("b", "c").doesNotContain("a");
    }
  }

  @Test
  void aTaskFollowedFromACursorOnOneNodeResumesOnAnotherWithoutGapOrDuplicate() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    TaskHandler stepping = ctx -> {
      ctx.progress(0.5, "half");
      go.await(10, TimeUnit.SECONDS);
      ctx.progress(0.9, "nearly");
      Thread.sleep(150);
      return TaskResult.text("done");
    };
    Lane a = node("a", Map.of("work", stepping), b -> b.concurrency(0));
    Lane b = node("b", Map.of("work", stepping), x -> x.concurrency(0));
    node("c", Map.of("work", stepping), x -> x);
    TaskId id = a.submit(request("s", "work").build()).task().id();
    List<TaskEvent> first = new CopyOnWriteArrayList<>();
    Subscription onA = a.subscribeTask(id, 0, first::add);
    await().atMost(Duration.ofSeconds(5)).until(() -> first.stream().anyMatch(e -> e.type() == EventType.PROGRESS));
    onA.close(); // the client's connection to A drops
    long cursor = first.getLast().seq();
    List<TaskEvent> second = new CopyOnWriteArrayList<>();
    try (Subscription onB = b.subscribeTask(id, cursor, second::add)) {
      go.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> second.stream().anyMatch(e -> e.state().isTerminal()));
    }
    List<Long> together = new ArrayList<>(first.stream().map(TaskEvent::seq).toList());
    second.forEach(e -> together.add(e.seq()));
    assertThat(together).containsExactlyElementsOf(a.events(id, 0, 100).stream().map(TaskEvent::seq).toList());
  }

  @Test
  void aCancelOnOneNodeStopsTheHandlerOnAnotherWithoutWaitingForAHeartbeat() {
    CountDownLatch interrupted = new CountDownLatch(1);
    TaskHandler blocking = ctx -> {
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
      return TaskResult.text("too late");
    };
    UnaryOperator<LaneConfig.Builder> slowBeat =
        b -> b.heartbeatInterval(Duration.ofSeconds(20)).leaseDuration(Duration.ofSeconds(60));
    Lane a = node("a", Map.of("work", blocking), b -> slowBeat.apply(b).concurrency(0));
    Lane b = node("b", Map.of("work", blocking), slowBeat);
    Lane c = node("c", Map.of("work", blocking), b2 -> slowBeat.apply(b2).concurrency(0));
    TaskId id = a.submit(request("s", "work").build()).task().id();
    await().atMost(Duration.ofSeconds(5)).until(() -> b.runningHere() == 1);
    c.cancel(id);
    await().atMost(Duration.ofSeconds(3)).until(() -> interrupted.getCount() == 0);
    await().atMost(Duration.ofSeconds(3)).until(() -> a.require(id).state() == TaskState.CANCELED);
    assertThat(a.require(id).result()).isNull();
  }

  @Test
  void oneTaskOfASessionRunsAtATimeAcrossNodes() {
    Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    List<String> overlaps = new CopyOnWriteArrayList<>();
    List<String> order = new CopyOnWriteArrayList<>();
    TaskHandler h = ctx -> {
      String session = ctx.task().sessionKey();
      if (running.computeIfAbsent(session, k -> new AtomicInteger()).incrementAndGet() > 1) overlaps.add(session);
      order.add(session + ":" + ctx.input().asText());
      Thread.sleep(20);
      running.get(session).decrementAndGet();
      return TaskResult.empty();
    };
    Lane a = node("a", Map.of("work", h), b -> b.concurrency(3));
    Lane b = node("b", Map.of("work", h), x -> x.concurrency(3));
    Lane c = node("c", Map.of("work", h), x -> x.concurrency(3));
    List<Lane> all = List.of(a, b, c);
    List<TaskId> ids = new ArrayList<>();
    int sessions = 4;
    int each = 8;
    for (int i = 0; i < each; i++) {
      for (int s = 0; s < sessions; s++) {
        Lane to = all.get((i * sessions + s) % 3);
        ids.add(to.submit(request("s" + s, "work").input(LaneFixture.json("\"" + i + "\"")).build()).task().id());
      }
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> a.require(id).isTerminal()));
    assertThat(overlaps).isEmpty();
    for (int s = 0; s < sessions; s++) {
      String session = "s" + s;
      assertThat(order.stream().filter(o -> o.startsWith(session + ":")).map(o -> o.substring(session.length() + 1)))
          .as("the tasks of %s ran in the order they were submitted", session)
          .containsExactly("0", "1", "2", "3", "4", "5", "6", "7");
    }
  }

  @Test
  void theClusterViewShowsEachNodeAliveWithItsRunningTasksAndAStoppedOneAsGone() {
    CountDownLatch release = new CountDownLatch(1);
    Lane a = node("a", Map.of("work", LaneFixture.waitingFor(release)), b -> b.concurrency(0));
    Lane b = node("b", Map.of("work", LaneFixture.waitingFor(release)), x -> x.concurrency(2));
    Lane c = node("c", Map.of("work", LaneFixture.waitingFor(release)), x -> x.concurrency(2));
    a.submit(request("s1", "work").build());
    a.submit(request("s2", "work").build());
    await().atMost(Duration.ofSeconds(5)).until(() -> b.runningHere() + c.runningHere() == 2);
    List<Node> nodes = a.nodes();
    assertThat(nodes).extracting(Node::id).containsExactly("a", "b", "c");
    assertThat(nodes).allMatch(Node::alive);
    assertThat(nodes).extracting(Node::workers).containsExactly(0, 2, 2);
    assertThat(nodes.stream().mapToLong(Node::running).sum()).isEqualTo(2);
    assertThat(nodes.get(1).running()).isEqualTo(b.runningHere());
    release.countDown();
    c.close();
    lanes.remove(c);
    assertThat(a.nodes()).filteredOn(n -> n.id().equals("c")).singleElement()
        .satisfies(n -> assertThat(n.alive()).isFalse());
  }

  /** The stored events of these tasks, by id: what a subscriber must have seen. */
  private static List<Long> storedIds(Lane lane, List<TaskId> tasks) {
    return tasks.stream().flatMap(id -> lane.events(id, 0, 1_000).stream()).map(TaskEvent::id).sorted().toList();
  }
}
