package dev.tasklane.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskState;
import dev.tasklane.store.ClaimRequest;
import dev.tasklane.store.Database;
import dev.tasklane.store.TaskStore;
import dev.tasklane.store.TaskStoreContract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real PostgreSQL, a fresh schema per test; and what holds only because
 * several connections (next, several nodes) write to it at once.
 */
class PostgresTaskStoreTest extends TaskStoreContract {
  private PostgresOptions schema;

  @Override
  protected Database open(Path dir) {
    schema = EmbeddedPostgresServer.shared().freshSchema();
    return PostgresDatabase.open(schema);
  }

  /** Another process's store on the same database. */
  private Database secondConnection() {
    return PostgresDatabase.open(schema);
  }

  /**
   * Transaction A takes event id N and stays open; B, on another connection, writes an event
   * meanwhile. Had B taken N + 1 and committed first, a reader would see N + 1, move its cursor
   * there, and never see N when A commits. B waits for A instead: whatever a reader sees before A
   * commits, resuming after its cursor it gets everything.
   */
  @Test
  void anEventCommittedLaterThanAHigherNumberedOneStillReachesAReaderResumingAfterIt() throws Exception {
    try (Database other = secondConnection()) {
      TaskStore otherStore = new TaskStore(other, e -> {});
      CountDownLatch inserted = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Task> held = CompletableFuture.supplyAsync(() -> db.write(tx -> {
        Task t = store.submitting(task("a"), 50, now).run(tx).task();
        inserted.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return t;
      }));
      assertThat(inserted.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Task> meanwhile =
          CompletableFuture.supplyAsync(() -> otherStore.submit(task("b"), 50, now).task());
      Thread.sleep(300);
      List<TaskEvent> seenBeforeACommits = store.eventsAfter(null, 0, 100);
      release.countDown();
      held.get(10, TimeUnit.SECONDS);
      meanwhile.get(10, TimeUnit.SECONDS);

      long cursor = seenBeforeACommits.isEmpty() ? 0 : seenBeforeACommits.getLast().id();
      List<Long> reached = new ArrayList<>(seenBeforeACommits.stream().map(TaskEvent::id).toList());
      store.eventsAfter(null, cursor, 100).forEach(e -> reached.add(e.id()));
      List<Long> all = store.eventsAfter(null, 0, 100).stream().map(TaskEvent::id).toList();
      assertThat(all).hasSize(2);
      assertThat(reached).containsExactlyElementsOf(all);
    }
  }

  /**
   * Two stores claim and complete the tasks of many sessions at once, each on its own connection:
   * no session ever runs two of its tasks at a time, and no task is claimed twice.
   */
  @Test
  void oneTaskPerSessionRunsAtATimeAcrossConnections() throws Exception {
    // Few sessions and claims of two: one claim's candidates hold a session's next task while another
    // claim takes that session's first.
    int sessions = 3;
    int perSession = 10;
    for (int t = 0; t < perSession; t++) {
      for (int s = 0; s < sessions; s++) store.submit(task("s" + s), 50, now);
    }
    try (Database other = secondConnection()) {
      List<TaskStore> stores = List.of(store, new TaskStore(other, e -> {}));
      Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
      Set<Long> claimed = ConcurrentHashMap.newKeySet();
      List<String> violations = new CopyOnWriteArrayList<>();
      AtomicInteger done = new AtomicInteger();
      List<CompletableFuture<Void>> workers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        TaskStore mine = stores.get(w % 2);
        String node = "node-" + w;
        workers.add(CompletableFuture.runAsync(() -> {
          long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
          while (done.get() < sessions * perSession && System.nanoTime() < until) {
            List<Task> got =
                mine.claim(new ClaimRequest(node, 2, Set.of("work"), 1, Map.of(), Duration.ofMinutes(1)), now);
            for (Task t : got) {
              if (!claimed.add(t.id().value())) violations.add("claimed twice: " + t.id());
              if (running.computeIfAbsent(t.sessionKey(), k -> new AtomicInteger()).incrementAndGet() > 1) {
                violations.add("two running in " + t.sessionKey());
              }
            }
            for (Task t : got) {
              running.get(t.sessionKey()).decrementAndGet(); // before the completion can let the next start
              mine.complete(t.id(), t.lease().fence(), TextNode.valueOf("ok"), now);
              done.incrementAndGet();
            }
          }
        }));
      }
      CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      assertThat(violations).isEmpty();
      assertThat(done.get()).isEqualTo(sessions * perSession);
      assertThat(new HashSet<>(store.countByState().entrySet()))
          .contains(Map.entry(TaskState.COMPLETED, (long) sessions * perSession));
    }
  }
}
