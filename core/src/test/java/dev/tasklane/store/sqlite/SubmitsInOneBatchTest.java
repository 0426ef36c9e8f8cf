package dev.tasklane.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tasklane.core.BusyPolicy;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.EventType;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Origin;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import dev.tasklane.store.ClaimRequest;
import dev.tasklane.store.Database;
import dev.tasklane.store.NewTask;
import dev.tasklane.store.TaskStore.SubmitResult;
import dev.tasklane.store.TaskStore;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submits and completions committed in one batch insert their rows together at its end; still
 * each sees the writes before it: a repeated idempotency key, a busy session, a dependency, the
 * session's tasks, a dependent to free.
 */
class SubmitsInOneBatchTest {
  @TempDir Path dir;
  private Database db;
  private TaskStore store;
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private final HeldWriter held = new HeldWriter();

  @BeforeEach
  void open() {
    db = SqliteDatabase.open(dir.resolve("tasks.db"));
    store = new TaskStore(db, events -> {});
    store.migrate();
  }

  @AfterEach
  void close() {
    held.release();
    db.close();
  }

  /** Holds the writer in a batch of its own, so that what is queued meanwhile commits as one batch. */
  private void holdWriter() throws InterruptedException {
    db.writeAsync(held.unit());
    held.awaitHeld();
  }

  private CompletableFuture<SubmitResult> queue(String session, String key, BusyPolicy policy, TaskId... deps) {
    NewTask t = new NewTask(session, "work", TextNode.valueOf("in"), 5, 3, now, null, Duration.ofMinutes(30), key,
        null, List.of(deps), Origin.NONE, policy);
    return db.writeAsync(store.submitting(t, 50, now));
  }

  private CompletableFuture<SubmitResult> queue(String session) {
    return queue(session, null, BusyPolicy.ENQUEUE);
  }

  /** No submit here is refused: a refusal replays the batch one unit at a time, flushing after each. */
  @Test
  void submitsOfOneBatchSeeTheSubmitsBeforeThem() throws Exception {
    TaskId failedDependency = store.submit(new NewTask("d", "work", TextNode.valueOf("in"), 5, 3, now, null,
        Duration.ofMinutes(30), null, null, List.of(), Origin.NONE, BusyPolicy.ENQUEUE), 50, now).task().id();
    store.cancel(failedDependency, now);

    holdWriter();
    var keyed = queue("a", "k1", BusyPolicy.ENQUEUE);
    var sameKey = queue("a", "k1", BusyPolicy.ENQUEUE);
    var queuedInB = queue("b");
    var interrupting = queue("b", null, BusyPolicy.INTERRUPT);
    var sessionTasks = db.writeAsync(tx -> {
      try (PreparedStatement ps = tx.connection().prepareStatement(
          "SELECT COUNT(*) FROM tasks WHERE id IN (" + SessionTasks.IDS + ")")) {
        ps.setString(1, "b");
        ps.setString(2, "b");
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
    var dependent = queue("c", null, BusyPolicy.ENQUEUE, failedDependency);
    held.release();

    assertThat(sameKey.get().created()).isFalse();
    assertThat(sameKey.get().task().id()).isEqualTo(keyed.get().task().id());
    assertThat(store.find(queuedInB.get().task().id()).orElseThrow().state()).isEqualTo(TaskState.CANCELED);
    assertThat(interrupting.get().task().state()).isEqualTo(TaskState.QUEUED);
    assertThat(sessionTasks.get()).isEqualTo(2); // a unit of another kind saw both of b's submits
    assertThat(dependent.get().task().state()).isEqualTo(TaskState.FAILED);
    assertThat(store.events(keyed.get().task().id(), 0, 10)).hasSize(1);
    assertThat(store.events(queuedInB.get().task().id(), 0, 10)).hasSize(2); // created, canceled
  }

  @Test
  void refusedSubmitsInTheBatchLeaveTheOthersAndTheirEvents() throws Exception {
    holdWriter();
    var before = queue("a");
    var unknownDependency = queue("a", null, BusyPolicy.ENQUEUE, TaskId.of(999_999));
    var rejected = queue("a", null, BusyPolicy.REJECT);
    var after = queue("a");
    held.release();

    assertThatThrownBy(unknownDependency::get).cause().isInstanceOf(LaneException.class)
        .hasMessageContaining("unknown task");
    assertThatThrownBy(rejected::get).cause().isInstanceOf(LaneException.class)
        .satisfies(e -> assertThat(((LaneException) e).code()).isEqualTo(ErrorCode.BUSY));
    assertThat(after.get().task().id().value()).isGreaterThan(before.get().task().id().value());
    for (var ok : List.of(before, after)) {
      assertThat(store.find(ok.get().task().id()).orElseThrow().state()).isEqualTo(TaskState.QUEUED);
      assertThat(store.events(ok.get().task().id(), 0, 10)).hasSize(1);
    }
    assertThat(store.countByState().get(TaskState.QUEUED)).isEqualTo(2);
  }

  @Test
  void aCompletionInTheBatchFreesADependentSubmittedBeforeIt() throws Exception {
    TaskId first = queue("d").get().task().id();
    ClaimRequest claim = new ClaimRequest("node-a", 1, Set.of("work"), 1, Map.of(), Duration.ofSeconds(30));
    long fence = store.claim(claim, now).get(0).lease().fence();

    holdWriter();
    var dependent = queue("e", null, BusyPolicy.ENQUEUE, first); // its row waits in the insert buffer
    var completed = store.completeAsync(first, fence, TextNode.valueOf("done"), now);
    held.release();

    assertThat(completed.get()).isTrue();
    assertThat(dependent.get().task().state()).isEqualTo(TaskState.QUEUED);
    assertThat(store.claim(claim, now)).extracting(Task::id).containsExactly(dependent.get().task().id());
    assertThat(store.events(first, 0, 10)).extracting(TaskEvent::type)
        .containsExactly(EventType.CREATED, EventType.STARTED, EventType.COMPLETED);
  }
}
