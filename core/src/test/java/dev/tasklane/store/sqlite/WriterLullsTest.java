package dev.tasklane.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.store.SqlWork;
import dev.tasklane.store.Tx;
import dev.tasklane.store.sqlite.WriterLulls.Load;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Housekeeping runs in the writer's lulls: when it is quiet, for as long as it is due and no write
 * waits; after a commit that leaves only a few writes waiting, one turn; never while a crowd waits.
 */
class WriterLullsTest {
  @TempDir Path dir;
  private TestWriter db;
  private GroupCommitWriter writer;
  /** The writer's clock: it moves only when a test moves it. */
  private final AtomicLong nanos = new AtomicLong();

  @BeforeEach
  void open() throws Exception {
    db = TestWriter.open(dir.resolve("l.db"), "t (v INTEGER)", 8, nanos::get);
    writer = db.writer();
  }

  @AfterEach
  void close() throws Exception {
    db.close();
  }

  private static SqlWork<Void> insert(int v) {
    return tx -> {
      try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO t (v) VALUES (?)")) {
        ps.setInt(1, v);
        ps.executeUpdate();
      }
      return null;
    };
  }

  /** Idle work that runs {@code turn} whenever {@code due} says so. */
  private static WriterLulls.IdleWork idle(Predicate<Load> due, Runnable turn) {
    return new WriterLulls.IdleWork() {
      @Override
      public boolean due(Load load) {
        return due.test(load);
      }

      @Override
      public void run(Tx tx, Load load) {
        turn.run();
      }
    };
  }

  @Test
  void aQuietWriterRunsDueWorkUntilItIsNoLongerDue() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    writer.whenIdle(idle(load -> load == Load.QUIET && runs.get() < 3, runs::incrementAndGet));
    writer.submit(insert(1)); // the writer's next quiet moment comes after this write
    await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 3);
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 3);
  }

  @Test
  void aLightLullGivesOneTurnAndTheJobsTakeTurns() throws Exception {
    List<String> turns = new CopyOnWriteArrayList<>();
    writer.whenIdle(idle(load -> load == Load.LIGHT, () -> turns.add("a"))); // always due
    writer.whenIdle(idle(load -> load == Load.LIGHT, () -> turns.add("b")));
    for (int i = 0; i < 4; i++) {
      int before = turns.size();
      writer.submit(insert(i));
      await().atMost(Duration.ofSeconds(5)).until(() -> turns.size() == before + 1); // one turn a commit
    }
    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2)).until(() -> turns.size() == 4);
    assertThat(turns).containsExactly("a", "b", "a", "b");
  }

  @Test
  void aWriteWaitsForOneTurnOfQuietWorkNotForAllOfIt() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    writer.whenIdle(idle(load -> load == Load.QUIET && !stop.get(), () -> {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      runs.incrementAndGet();
    }));
    writer.submit(insert(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 2);
    int before = runs.get();
    writer.submit(insert(2));
    int after = runs.get();
    stop.set(true);
    assertThat(after - before).isLessThanOrEqualTo(1);
    assertThat(db.rows("t")).isEqualTo(2);
  }

  @Test
  void lightWorkWaitsForTheCrowdToBeGoneThenRunsWithoutAQuietMoment() throws Exception {
    List<Long> committedAtRun = new CopyOnWriteArrayList<>();
    writer.whenIdle(new WriterLulls.IdleWork() {
      @Override
      public boolean due(Load load) {
        return load == Load.LIGHT && committedAtRun.isEmpty();
      }

      @Override
      public void run(Tx tx, Load load) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT COUNT(*) FROM t");
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          committedAtRun.add(rs.getLong(1));
        }
      }
    });
    HeldWriter held = new HeldWriter();
    writer.submitAsync(held.unit());
    held.awaitHeld();
    int crowd = 100;
    List<CompletableFuture<Void>> queued = new ArrayList<>();
    for (int i = 0; i < crowd; i++) queued.add(writer.submitAsync(insert(i)));
    held.release(); // the crowd goes in batches of 8, thinning out batch by batch
    CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    // The writer's clock stands still: however long this machine takes, no calm spell has passed.
    // Then one write at a time, never quiet, lightly loaded: still not calm long enough.
    for (int i = 0; i < 5; i++) writer.submit(insert(1_000 + i));
    assertThat(committedAtRun).isEmpty();

    nanos.addAndGet(WriterLulls.CALM_NANOS); // a calm spell
    writer.submit(insert(2_000)); // its light lull is the first after the calm: the turn runs there
    await().atMost(Duration.ofSeconds(5)).until(() -> !committedAtRun.isEmpty());
    // It ran once the crowd was gone, not while it thinned out, and only after a calm spell.
    assertThat(committedAtRun).hasSize(1);
    assertThat(committedAtRun.getFirst()).isGreaterThanOrEqualTo(crowd + 5);
  }

  /** Idle work due once under a light load whose turn writes {@code rows} rows in one statement. */
  private static final class LongWrite implements WriterLulls.IdleWork {
    final CountDownLatch running = new CountDownLatch(1);
    final CompletableFuture<SQLException> ended = new CompletableFuture<>();
    private final long rows;
    private boolean done;

    LongWrite(long rows) {
      this.rows = rows;
    }

    @Override
    public boolean due(Load load) {
      return load == Load.LIGHT && !done;
    }

    @Override
    public void run(Tx tx, Load load) throws SQLException {
      done = true;
      running.countDown();
      try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO t (v) WITH RECURSIVE c(x) AS"
          + " (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT -x FROM c")) {
        ps.setLong(1, rows);
        ps.executeUpdate();
        ended.complete(null);
      } catch (SQLException e) {
        ended.complete(e);
        throw e;
      }
    }
  }

  @Test
  void aTurnGivesWayToACrowdOfWritesAndTheWriterGoesOnInTransactions() throws Exception {
    LongWrite longWrite = new LongWrite(1_000_000_000); // minutes, were it not stopped
    writer.whenIdle(longWrite);
    writer.submit(insert(1)); // a light moment after it: the long write starts
    assertThat(longWrite.running.await(10, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(50); // well inside its statement

    List<CompletableFuture<Void>> crowd = new ArrayList<>();
    for (int i = 0; i < WriterLulls.LIGHT_LOAD; i++) crowd.add(writer.submitAsync(insert(100 + i)));
    CompletableFuture.allOf(crowd.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
    Throwable interrupted = longWrite.ended.get(5, TimeUnit.SECONDS);
    assertThat(interrupted).isNotNull().hasMessageContaining("interrupt");
    // None of the interrupted turn's rows; every write of the crowd's.
    assertThat(db.rows("t")).isEqualTo(1 + WriterLulls.LIGHT_LOAD);

    // Still inside transactions: a unit that fails after inserting leaves nothing behind.
    CompletableFuture<Void> failing = writer.submitAsync(tx -> {
      insert(999).run(tx);
      throw new SQLException("refused after its insert");
    });
    assertThat(failing).failsWithin(Duration.ofSeconds(5));
    writer.submit(insert(2));
    assertThat(db.rows("t")).isEqualTo(2 + WriterLulls.LIGHT_LOAD);
  }

  @Test
  void aTurnWhoseStatementsAreDoneWhenACrowdComesIsRolledBackNotCommittedAndDoneAgainLater() throws Exception {
    CountDownLatch statementsDone = new CountDownLatch(1);
    CountDownLatch crowdQueued = new CountDownLatch(1);
    AtomicInteger turns = new AtomicInteger();
    AtomicBoolean counted = new AtomicBoolean();
    writer.whenIdle(new WriterLulls.IdleWork() {
      @Override
      public boolean due(Load load) {
        return !counted.get();
      }

      @Override
      public void run(Tx tx, Load load) throws SQLException {
        insert(-1).run(tx);
        tx.afterCommit(() -> counted.set(true));
        if (turns.incrementAndGet() > 1) return;
        statementsDone.countDown();
        try {
          // between its last statement and its commit
          if (!crowdQueued.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("no crowd came");
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
    });
    writer.submit(insert(1)); // a light moment after it: the turn starts
    assertThat(statementsDone.await(5, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<Void>> crowd = new ArrayList<>();
    for (int i = 0; i < WriterLulls.LIGHT_LOAD; i++) crowd.add(writer.submitAsync(insert(100 + i)));
    crowdQueued.countDown();

    CompletableFuture.allOf(crowd.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
    assertThat(counted).isFalse(); // its commit would have held up the crowd: rolled back
    assertThat(db.rows("t")).isEqualTo(1 + WriterLulls.LIGHT_LOAD);

    // Still due, so a later lull runs it again, to its commit this time.
    await().atMost(Duration.ofSeconds(5)).untilTrue(counted);
    assertThat(turns).hasValue(2);
    assertThat(db.rows("t")).isEqualTo(2 + WriterLulls.LIGHT_LOAD);
  }

  @Test
  void aFewWritesWaitForTheTurn() throws Exception {
    int rows = 300_000;
    LongWrite longWrite = new LongWrite(rows);
    writer.whenIdle(longWrite);
    writer.submit(insert(1));
    assertThat(longWrite.running.await(10, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<Void>> few = new ArrayList<>();
    for (int i = 0; i < WriterLulls.LIGHT_LOAD - 1; i++) few.add(writer.submitAsync(insert(100 + i)));
    CompletableFuture.allOf(few.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(longWrite.ended).isCompletedWithValue(null); // the turn ran to its end first
    assertThat(db.rows("t")).isEqualTo(1 + rows + WriterLulls.LIGHT_LOAD - 1);
  }
}
