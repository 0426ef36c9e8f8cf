package dev.tasklane.store.sqlite;

import dev.tasklane.store.AppendingWork;
import dev.tasklane.store.Database;
import dev.tasklane.store.Dialect;
import dev.tasklane.store.Rows;
import dev.tasklane.store.SqlWork;
import dev.tasklane.store.StoreException;
import dev.tasklane.store.Tx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer: one thread, one connection. Callers hand it units of work and wait; it takes
 * every unit waiting at that moment (up to {@code maxBatch}) and commits them as one transaction,
 * each inside its own savepoint so a failing unit is rolled back alone. The commit syncs to disk
 * (the connection's {@code synchronous} setting) before SQLite makes it visible to readers; then
 * the units' after-commit actions run in order, and the callers wake.
 *
 * <p>If a commit itself fails (the disk refused the write or the sync), whether the batch is on disk
 * is unknown: its callers are told so, and the writer stops, loudly, rather than tell later callers
 * anything it cannot vouch for. Every write after that fails at once.
 *
 * <p>Inserts of {@link AppendingWork} wait in an {@link InsertBuffer} and go in together, a
 * multi-row statement per table, before the next unit of another kind and before the commit.
 * Housekeeping (moving session rows, WAL checkpoints) runs between batches, when few callers wait
 * ({@link WriterLulls}).
 */
final class GroupCommitWriter {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
  /**
   * How long the writer must have had nothing to do before it runs idle work: an empty queue alone
   * is not quiet, since callers of the batch just committed are about to send their next writes.
   */
  static final Duration QUIET = Duration.ofMillis(20);

  /** Work that needs the connection to itself, outside any batch (schema migrations). */
  interface ExclusiveWork {
    void run(Connection connection) throws Exception;
  }

  private sealed interface Request permits Unit, Rehearsal, Exclusive, Stop {}

  private record Unit(SqlWork<?> work, CompletableFuture<Object> done) implements Request {}

  private record Rehearsal(SqlWork<?> work, CompletableFuture<Object> done) implements Request {}

  private record Exclusive(ExclusiveWork work, CompletableFuture<Object> done) implements Request {}

  private record Stop() implements Request {}

  private final Connection connection;
  private final RowIds ids;
  private final InsertBuffer inserts;
  private final Rows rows;
  private final Dialect dialect;
  private final int maxBatch;
  private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final WriterLulls lulls;
  private final Thread thread;
  /** Why the writer stopped taking writes (a commit failed), or null. */
  private volatile StoreException stopped;

  GroupCommitWriter(Connection connection, Dialect dialect, int maxBatch, String name) throws SQLException {
    this(connection, dialect, maxBatch, name, System::nanoTime);
  }

  /** @param nanoTime the time its lulls are judged by (tests: a clock they move) */
  GroupCommitWriter(Connection connection, Dialect dialect, int maxBatch, String name, LongSupplier nanoTime)
      throws SQLException {
    this.connection = connection;
    this.ids = new RowIds();
    this.inserts = new InsertBuffer();
    this.rows = new SqliteRows(connection, ids, inserts);
    this.dialect = dialect;
    this.maxBatch = maxBatch;
    connection.setAutoCommit(false);
    this.lulls = new WriterLulls(connection, inserts, this::newTx, queue::size, nanoTime);
    this.thread = Thread.ofPlatform().name(name).daemon(true).start(this::loop);
  }

  @SuppressWarnings("unchecked")
  <T> T submit(SqlWork<T> work) {
    return (T) Database.await(enqueue(work));
  }

  /** Queues the work; the future completes on the writer thread after the commit. */
  @SuppressWarnings("unchecked")
  <T> CompletableFuture<T> submitAsync(SqlWork<T> work) {
    return (CompletableFuture<T>) (CompletableFuture<?>) enqueue(work);
  }

  private CompletableFuture<Object> enqueue(SqlWork<?> work) {
    // A write from an after-commit action would wait for the thread that runs the action.
    if (Thread.currentThread() == thread) throw new IllegalStateException("nested write on the writer thread");
    StoreException why = stopped;
    if (why != null) return CompletableFuture.failedFuture(new StoreException(why.getMessage(), why));
    CompletableFuture<Object> done = new CompletableFuture<>();
    queue.add(new Unit(work, done));
    return done;
  }

  /** Runs turns of {@code work}, each in a transaction of its own, in the writer's lulls (see {@link WriterLulls}). */
  void whenIdle(WriterLulls.IdleWork work) {
    lulls.add(work);
  }

  /** Like {@link #whenIdle}, for work that must run outside any transaction (a WAL checkpoint). */
  void whenIdleOutsideTransactions(Predicate<WriterLulls.Load> due, ExclusiveWork work) {
    lulls.addOutsideTransactions(due, work);
  }

  /**
   * Runs {@code work} in a transaction of its own and rolls it back: its rows are inserted and
   * undone, its after-commit actions dropped, and the ids it took are free again (the counters are
   * read anew), so nothing of it is left, not even a gap. Returns once it ran; throws what it threw.
   */
  void rehearse(SqlWork<?> work) {
    CompletableFuture<Object> done = new CompletableFuture<>();
    queue.add(new Rehearsal(work, done));
    Database.await(done);
  }

  void exclusive(ExclusiveWork work) {
    CompletableFuture<Object> done = new CompletableFuture<>();
    queue.add(new Exclusive(work, done));
    Database.await(done);
  }

  void close() {
    queue.add(new Stop());
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    List<Request> batch = new ArrayList<>();
    while (true) {
      Request first;
      try {
        first = queue.poll(QUIET.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
          if (stopped == null) lulls.whenQuiet();
          first = queue.take();
        }
      } catch (InterruptedException e) {
        continue; // only close() stops the writer
      }
      batch.clear();
      batch.add(first);
      queue.drainTo(batch, maxBatch - 1);
      List<Unit> units = new ArrayList<>();
      for (Request r : batch) {
        switch (r) {
          case Unit u -> units.add(u);
          case Rehearsal h -> {
            commitAll(units);
            units.clear();
            runRehearsal(h);
          }
          case Exclusive x -> {
            commitAll(units);
            units.clear();
            runExclusive(x);
          }
          case Stop s -> {
            commitAll(units);
            shutdown();
            return;
          }
        }
      }
      commitAll(units);
      if (stopped == null) lulls.afterBatch(units.size());
    }
  }

  /**
   * Commits the units as one transaction. Optimistically they run back to back; if one fails, the
   * whole transaction is rolled back and replayed with a savepoint around each unit, so that only
   * the failing unit is undone. Failures are rare (a refused submit), savepoints cost two
   * statements per unit on the common path.
   */
  private void commitAll(List<Unit> units) {
    if (units.isEmpty()) return;
    StoreException why = stopped;
    if (why != null) {
      for (Unit u : units) u.done().completeExceptionally(new StoreException(why.getMessage(), why));
      return;
    }
    Batch batch = new Batch(units);
    try {
      if (!runAll(batch, false)) {
        connection.rollback();
        batch = new Batch(units);
        runAll(batch, true);
      }
    } catch (SQLException | RuntimeException e) {
      log.error("a batch of {} writes failed before its commit; none of them is stored", units.size(), e);
      inserts.discard();
      rollbackQuietly();
      batch.fail(new StoreException("write failed: " + e.getMessage(), e));
      return;
    }
    try {
      connection.commit();
    } catch (SQLException e) {
      stop(batch, e);
      return;
    }
    batch.acknowledge();
  }

  /**
   * A commit failed: SQLite may have written the batch's frames and not synced them, so it may be
   * on disk or not, and the next commit could make it so. Nothing more is written: the callers of
   * the batch learn that its outcome is unknown, later callers that the store stopped.
   */
  private void stop(Batch batch, SQLException cause) {
    log.error("committing {} writes failed: their outcome is unknown; the database stops taking writes"
        + " (restart Tasklane once the disk is fixed)", batch.units.size(), cause);
    stopped = new StoreException("the database stopped taking writes after a commit failed: " + cause.getMessage(),
        cause, true);
    inserts.discard();
    rollbackQuietly();
    batch.fail(new StoreException("the database failed while committing this write; it may or may not be stored: "
        + cause.getMessage(), cause, true));
  }

  /** A batch's units, what each returned or threw, and their after-commit actions in order. */
  private static final class Batch {
    final List<Unit> units;
    final Object[] results;
    final Throwable[] failures;
    final List<Runnable> afterCommit = new ArrayList<>();

    Batch(List<Unit> units) {
      this.units = List.copyOf(units);
      results = new Object[units.size()];
      failures = new Throwable[units.size()];
    }

    /** The batch is durable: runs its after-commit actions in order, then wakes its callers. */
    void acknowledge() {
      for (Runnable action : afterCommit) {
        try {
          action.run();
        } catch (RuntimeException e) {
          log.error("after-commit action failed", e);
        }
      }
      for (int i = 0; i < units.size(); i++) {
        if (failures[i] != null) units.get(i).done().completeExceptionally(failures[i]);
        else units.get(i).done().complete(results[i]);
      }
    }

    void fail(Throwable cause) {
      for (Unit u : units) u.done().completeExceptionally(cause);
    }
  }

  /**
   * Runs every unit; without savepoints, stops at the first failure and returns false. With them,
   * each unit's kept-back inserts go in before its savepoint is released, so they fail with it.
   */
  private boolean runAll(Batch batch, boolean savepoints) throws SQLException {
    List<Unit> units = batch.units;
    for (int i = 0; i < units.size(); i++) {
      SqlWork<?> work = units.get(i).work();
      boolean appending = work instanceof AppendingWork;
      List<Runnable> mine = new ArrayList<>();
      Tx tx = newTx(mine);
      if (savepoints) execute("SAVEPOINT unit");
      try {
        if (!appending) inserts.flushTo(connection); // it may read what earlier units kept back
        inserts.keep(appending);
        batch.results[i] = work.run(tx);
        if (savepoints) {
          inserts.flushTo(connection);
          execute("RELEASE unit");
        }
        batch.afterCommit.addAll(mine);
      } catch (Exception | Error e) {
        inserts.discard();
        if (!savepoints) return false;
        execute("ROLLBACK TO unit");
        execute("RELEASE unit");
        batch.failures[i] = e instanceof SQLException ? new StoreException("write failed: " + e.getMessage(), e) : e;
      } finally {
        inserts.keep(false);
      }
    }
    try {
      inserts.flushTo(connection);
    } catch (SQLException | RuntimeException e) {
      return false; // one of the units' rows was refused: the replay with savepoints finds whose
    }
    return true;
  }

  private Tx newTx(List<Runnable> afterCommit) {
    return new WriteTx(connection, afterCommit, rows, dialect);
  }

  private void execute(String sql) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      st.execute();
    }
  }

  private void runRehearsal(Rehearsal r) {
    if (stopped != null) {
      r.done().completeExceptionally(new StoreException(stopped.getMessage(), stopped));
      return;
    }
    try {
      inserts.keep(r.work() instanceof AppendingWork);
      r.work().run(newTx(new ArrayList<>()));
      inserts.flushTo(connection); // the multi-row inserts are part of what is rehearsed
      r.done().complete(null);
    } catch (Exception | Error e) {
      r.done().completeExceptionally(e);
    } finally {
      inserts.keep(false);
      inserts.discard();
      rollbackQuietly();
      ids.forget();
    }
  }

  private void runExclusive(Exclusive x) {
    try {
      connection.setAutoCommit(true);
      x.work().run(new NonClosingConnection(connection).proxy());
      x.done().complete(null);
    } catch (Exception e) {
      x.done().completeExceptionally(e instanceof RuntimeException ? e : new StoreException(e.getMessage(), e));
    } finally {
      ids.forget(); // the exclusive work may have changed tables behind the counters
      try {
        connection.setAutoCommit(false);
      } catch (SQLException e) {
        log.error("restoring the writer connection", e);
      }
    }
  }

  private void rollbackQuietly() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      log.error("rollback failed", e);
    }
  }

  private void shutdown() {
    try {
      connection.close();
    } catch (SQLException e) {
      log.debug("closing the writer connection", e);
    }
  }

  /** A transaction of the writer's; its after-commit actions are collected in {@code actions}. */
  private record WriteTx(Connection connection, List<Runnable> actions, Rows rows, Dialect dialect) implements Tx {
    @Override
    public void afterCommit(Runnable action) {
      actions.add(action);
    }
  }
}
