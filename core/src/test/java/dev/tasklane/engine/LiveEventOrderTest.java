package dev.tasklane.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tasklane.core.BusyPolicy;
import dev.tasklane.core.Origin;
import dev.tasklane.core.Subscription;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskId;
import dev.tasklane.store.Database;
import dev.tasklane.store.NewTask;
import dev.tasklane.store.TaskStore;
import dev.tasklane.store.postgres.EmbeddedPostgresServer;
import dev.tasklane.store.postgres.OpenWrites;
import dev.tasklane.store.postgres.PostgresDatabase;
import dev.tasklane.store.postgres.PostgresOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node's live subscriptions when other nodes' transactions commit out of the order of their event
 * ids: two writers on connections of their own (as two other nodes), the one holding the lower id
 * committing after the other. The subscriber's node hears both commits through signals; its
 * safety-net poll is slowed to 30 s, so what it gets within seconds came from the signals and the
 * relay's own retries.
 */
class LiveEventOrderTest {
  private final Instant now = Instant.now();
  private PostgresOptions schema;
  private Lane lane;
  private Database first;
  private Database second;
  private TaskStore firstStore;
  private TaskStore secondStore;

  @BeforeEach
  void nodes() {
    schema = EmbeddedPostgresServer.shared().freshSchema();
    lane = Lane.builder().database(PostgresDatabase.open(schema))
        .config(LaneFixture.fastConfig().nodeId("subscriber").concurrency(0).maintenanceInterval(Duration.ofSeconds(30))
            .build())
        .start();
    first = PostgresDatabase.open(schema);
    second = PostgresDatabase.open(schema);
    firstStore = new TaskStore(first, e -> {}, "first");
    secondStore = new TaskStore(second, e -> {}, "second");
  }

  @AfterEach
  void close() {
    first.close();
    second.close();
    lane.close();
  }

  @Test
  void aSubscriberGetsAnEventCommittedAfterAHigherNumberedOneInIdOrderOnce() throws Exception {
    List<TaskEvent> seen = new CopyOnWriteArrayList<>();
    try (Subscription s = lane.subscribeAll(lane.lastEventId(), seen::add)) {
      CountDownLatch taken = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Task> lower = holdOpen(task("a"), taken, release, false);
      assertThat(taken.await(10, TimeUnit.SECONDS)).isTrue();
      Task higher = secondStore.submit(task("b"), 50, now).task();

      Thread.sleep(300); // the higher one's signal has come; the lower one is still in flight
      assertThat(seen).as("nothing is handed on past an id still in flight").isEmpty();
      release.countDown();
      TaskId lowerId = lower.get(10, TimeUnit.SECONDS).id();
      await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 2);
      assertThat(seen).extracting(TaskEvent::taskId).containsExactly(lowerId, higher.id());

      // An id whose transaction rolls back holds the subscriber back only until it ends.
      CountDownLatch taken2 = new CountDownLatch(1);
      CountDownLatch release2 = new CountDownLatch(1);
      CompletableFuture<Task> rolledBack = holdOpen(task("c"), taken2, release2, true);
      assertThat(taken2.await(10, TimeUnit.SECONDS)).isTrue();
      Task after = secondStore.submit(task("d"), 50, now).task();
      release2.countDown();
      assertThat(rolledBack).failsWithin(Duration.ofSeconds(10));
      await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 3);
      Thread.sleep(200); // nothing more comes
      assertThat(seen).extracting(TaskEvent::taskId).containsExactly(lowerId, higher.id(), after.id());
      assertThat(seen).extracting(TaskEvent::id).isSorted().doesNotHaveDuplicates();
    }
  }

  @Test
  void aSubscriptionStartedWhileALowerIdIsInFlightResumesWithoutAGap() throws Exception {
    CountDownLatch taken = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Task> lower = holdOpen(task("a"), taken, release, false);
    assertThat(taken.await(10, TimeUnit.SECONDS)).isTrue();
    Task higher = secondStore.submit(task("b"), 50, now).task();
    long cursor = lane.lastEventId(); // what a client would subscribe after, to get only new events

    List<TaskEvent> seen = new CopyOnWriteArrayList<>();
    try (Subscription s = lane.subscribeSession("b", cursor, seen::add)) {
      release.countDown();
      TaskId lowerId = lower.get(10, TimeUnit.SECONDS).id();
      List<TaskEvent> fromA = new CopyOnWriteArrayList<>();
      try (Subscription all = lane.subscribeAll(cursor, fromA::add)) {
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 1 && fromA.size() >= 2);
        Thread.sleep(200);
        assertThat(seen).extracting(TaskEvent::taskId).containsExactly(higher.id());
        assertThat(fromA).extracting(TaskEvent::taskId).containsExactly(lowerId, higher.id());
      }
    }
  }

  /** Submits {@code t} through the first writer, holding its transaction open after it took its ids. */
  private CompletableFuture<Task> holdOpen(NewTask t, CountDownLatch taken, CountDownLatch release, boolean fail) {
    return OpenWrites.hold(first, tx -> firstStore.submitting(t, 50, now).run(tx).task(), taken, release, fail);
  }

  private NewTask task(String session) {
    return new NewTask(session, "work", TextNode.valueOf("in"), 5, 3, now, null, Duration.ofMinutes(30), null, null,
        List.of(), new Origin("web", "c1", "m1", "alice"), BusyPolicy.ENQUEUE);
  }
}
