package dev.tasklane.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.core.TaskState;
import dev.tasklane.store.ClaimRequest;
import dev.tasklane.store.Database;
import dev.tasklane.store.Rows;
import dev.tasklane.store.StoreException;
import dev.tasklane.store.TaskStore;
import dev.tasklane.store.TaskStoreContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** The store contract on SQLite, plus what only SQLite has: the one-process lock. */
class SqliteTaskStoreTest extends TaskStoreContract {
  @Override
  protected Database open(Path dir) {
    return SqliteDatabase.open(dir.resolve("tasks.db"));
  }

  @Test
  void aSecondProcessCannotOpenTheSameFile() {
    assertThatThrownBy(() -> SqliteDatabase.open(dir.resolve("tasks.db")))
        .isInstanceOf(StoreException.class).hasMessageContaining("another Tasklane process");
  }

  @Test
  void writesAreDurableAcrossReopen() {
    var t = submit(task("s"));
    db.close();
    db = open(dir);
    store = new TaskStore(db, e -> {});
    store.migrate();
    assertThat(store.find(t.id())).isPresent();
  }

  @Test
  void taskAndEventIdsAreNeverReusedAfterAPurgeAndAReopen() {
    var first = submit(task("s"));
    var running = claim(1).getFirst();
    assertThat(store.complete(first.id(), running.lease().fence(), null, now)).isTrue();
    long lastEvent = store.lastEventId();
    assertThat(store.purge(now.plusMillis(1))).isEqualTo(1);
    assertThat(store.lastEventId()).isZero(); // nothing left in the table to go by
    db.close();
    db = open(dir);
    store = new TaskStore(db, e -> {});
    store.migrate();
    var second = submit(task("s"));
    assertThat(second.id().value()).isGreaterThan(first.id().value());
    assertThat(store.events(second.id(), 0, 10)).singleElement()
        .satisfies(created -> assertThat(created.id()).isGreaterThan(lastEvent));
  }

  @Test
  void aWriteThatFailsAfterTakingAnIdDoesNotDisturbTheSubmitsAfterIt() {
    // Likely committed in one batch: the failing write is rolled back and the batch replayed, and
    // the ids taken meanwhile are skipped, never handed out twice.
    var refused = db.writeAsync(tx -> {
      tx.rows().reserveId(Rows.Table.TASKS);
      throw new SQLException("refused");
    });
    var kept = submit(task("s"));
    assertThat(refused).failsWithin(Duration.ofSeconds(5));
    var again = submit(task("s"));
    assertThat(again.id().value()).isGreaterThan(kept.id().value());
    assertThat(store.events(kept.id(), 0, 10)).hasSize(1);
    assertThat(store.events(again.id(), 0, 10)).hasSize(1);
  }

  @Test
  void manyReadsAndWritesReuseTheirConnections() {
    var t = submit(task("s"));
    for (int i = 0; i < 20_000; i++) assertThat(store.find(t.id())).isPresent();
    for (int i = 0; i < 2_000; i++) store.saveCheckpoint(t.id(), 0, null);
  }

  @Test
  void upgradingFromTheFirstSchemaKeepsPendingCountsAndTheRunningAttempt() throws Exception {
    db.close();
    Path old = dir.resolve("v1.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old)) {
      Flyway.configure().dataSource("jdbc:sqlite:" + old, null, null).locations("classpath:db/core/sqlite")
          .table("core_schema_history").baselineOnMigrate(true).baselineVersion("0").target("1").load().migrate();
      try (Statement st = c.createStatement()) {
        String cols = "INSERT INTO tasks (session_key, kind, input, input_hash, state, priority, attempt, max_attempts,"
            + " created_at, not_before, started_at, finished_at, deadline_ms, lease_owner, fence) VALUES ";
        st.execute(cols + "('s', 'work', '1', '', 'queued', 5, 0, 3, 1, 1, NULL, NULL, 1000, NULL, 0)");
        st.execute(cols + "('s', 'work', '2', '', 'running', 5, 1, 3, 1, 1, 5, NULL, 1000, 'old-node', 1)");
        st.execute(cols + "('s', 'work', '3', '', 'completed', 5, 1, 3, 1, 1, 5, 9, 1000, NULL, 1)");
        st.execute("INSERT INTO task_attempts (task_id, number, owner, started_at) VALUES (2, 1, 'old-node', 5)");
        st.execute("INSERT INTO task_attempts (task_id, number, owner, started_at, finished_at, outcome)"
            + " VALUES (3, 1, 'old-node', 5, 9, 'completed')");
      }
    }
    db = SqliteDatabase.open(old);
    store = new TaskStore(db, e -> {});
    store.migrate();
    // Two tasks were pending: a limit of 3 takes one more.
    assertThat(store.submit(task("s"), 3, now).created()).isTrue();
    // The session index is rebuilt from the old tasks: all four are the session's.
    assertThat(store.list(TaskQuery.session("s")).items()).hasSize(4);
    assertThatThrownBy(() -> store.submit(task("s"), 3, now)).isInstanceOf(LaneException.class);
    assertThat(store.attempts(TaskId.of(2))).singleElement()
        .satisfies(a -> assertThat(a.owner()).isEqualTo("old-node"))
        .satisfies(a -> assertThat(a.finishedAt()).isNull());
    assertThat(store.reapLeases(now, true, RETRIES)).isEqualTo(1);
    assertThat(store.attempts(TaskId.of(2))).extracting(a -> a.outcome()).containsExactly("lost");
    assertThat(store.attempts(TaskId.of(3))).extracting(a -> a.outcome()).containsExactly("completed");
  }

  @Test
  void anAsyncCompletionIsStoredAndAFailingAsyncWriteFailsOnlyItsOwnFuture() {
    var t = submit(task("s"));
    var running = claim(1).getFirst();
    var failing = db.writeAsync(tx -> {
      throw new SQLException("boom");
    });
    var done = store.completeAsync(t.id(), running.lease().fence(), TextNode.valueOf("ok"), now);
    assertThat(done.join()).isTrue();
    assertThat(failing).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(StoreException.class);
    assertThat(store.find(t.id()).orElseThrow().state()).isEqualTo(TaskState.COMPLETED);
    // A stale fence changes nothing, asynchronously too.
    assertThat(store.completeAsync(t.id(), running.lease().fence(), null, now).join()).isFalse();
  }

  /**
   * The writer's connection syncs the WAL inside each commit (FULL), before SQLite makes the commit
   * visible to the read connections: a reader never sees a write that is not on disk.
   */
  @Test
  void databaseIsInWalModeAndEveryCommitIsSyncedBeforeReadersSeeIt() {
    String mode = db.read(tx -> {
      var rs = tx.connection().createStatement().executeQuery("PRAGMA journal_mode");
      rs.next();
      return rs.getString(1);
    });
    int sync = db.write(tx -> {
      var rs = tx.connection().createStatement().executeQuery("PRAGMA synchronous");
      rs.next();
      return rs.getInt(1);
    });
    assertThat(mode).isEqualTo("wal");
    assertThat(sync).isEqualTo(2); // FULL
  }

  @Test
  void aRehearsedSubmitAndClaimLeaveNoTaskNoEventNoClaimAndNoGapInTheIds() {
    var before = submit(task("s"));
    long lastEvent = store.lastEventId();
    published.clear();
    // The rehearsed claim, with room for both, takes the queued task too, and gives it back.
    var claim = new ClaimRequest("node-a", 5, Set.of("work"), 1, Map.of(), Duration.ofMinutes(1));
    assertThat(store.rehearseSubmit(task("warm-up:x"), 50, 1, claim, now)).isTrue();
    assertThat(store.find(before.id()).orElseThrow()).satisfies(t -> {
      assertThat(t.state()).isEqualTo(TaskState.QUEUED);
      assertThat(t.attempt()).isZero();
      assertThat(t.lease()).isNull();
    });
    assertThat(store.events(before.id(), 0, 10)).hasSize(1);
    var after = submit(task("s"));
    assertThat(after.id().value()).isEqualTo(before.id().value() + 1);
    assertThat(store.events(after.id(), 0, 10)).singleElement()
        .satisfies(created -> assertThat(created.id()).isEqualTo(lastEvent + 1));
    assertThat(published).extracting(e -> e.taskId()).containsExactly(after.id());
    assertThat(store.list(TaskQuery.all()).items()).extracting(t -> t.id()).containsExactlyInAnyOrder(before.id(),
        after.id());
    assertThat(store.list(TaskQuery.session("warm-up:x")).items()).isEmpty();
    assertThat(claim(5)).extracting(t -> t.id()).first().isEqualTo(before.id());
    // And after a restart, which reads the ids to go on from out of the file.
    db.close();
    db = open(dir);
    store = new TaskStore(db, e -> {});
    store.migrate();
    assertThat(submit(task("s")).id().value()).isEqualTo(after.id().value() + 1);
  }

  @Test
  void writesQueuedBesideARehearsalAreCommitted() throws Exception {
    var first = db.writeAsync(store.submitting(task("s"), 50, now));
    assertThat(store.rehearseSubmit(task("warm-up:x"), 50, 1, null, now)).isTrue();
    var second = db.writeAsync(store.submitting(task("s"), 50, now));
    long a = first.get().task().id().value();
    long b = second.get().task().id().value();
    assertThat(b).isEqualTo(a + 1);
    assertThat(store.find(TaskId.of(a))).isPresent();
    assertThat(store.find(TaskId.of(b))).isPresent();
    assertThat(store.countByState().get(TaskState.QUEUED)).isEqualTo(2);
  }
}
