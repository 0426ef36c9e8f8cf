package dev.tasklane.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer: one thread, one connection. Callers hand it units of work and wait; it takes
 * every unit waiting at that moment (up to {@code maxBatch}) and commits them as one transaction,
 * each inside its own savepoint so a failing unit is rolled back alone. After the commit the units'
 * after-commit actions run in order, then the callers wake: at once when commits are durable by
 * themselves, or, with a {@link CommitAcknowledger}, once it has synced the commit to disk while
 * this thread went on with the next batch.
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
  private static final Duration QUIET = Duration.ofMillis(20);

  /** Work that needs the connection to itself, outside any batch (schema migrations). */
  interface ExclusiveWork {
    void run(Connection connection) throws Exception;
  }

  private sealed interface Request permits Unit, Exclusive, Stop {}

  private record Unit(SqlWork<?> work, CompletableFuture<Object> done) implements Request {}

  private record Exclusive(ExclusiveWork work, CompletableFuture<Object> done) implements Request {}

  private record Stop() implements Request {}

  private final Connection connection;
  private final RowIds ids;
  private final InsertBuffer inserts;
  private final int maxBatch;
  private final CommitAcknowledger acknowledger;
  private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final WriterLulls lulls;
  private final Thread thread;

  /**
   * @param acknowledger syncs commits to disk before their callers hear of them; null when each
   *     commit is as durable as it will be when {@code commit()} returns
   */
  GroupCommitWriter(Connection connection, RowIds ids, InsertBuffer inserts, int maxBatch, String name,
      CommitAcknowledger acknowledger) throws SQLException {
    this.connection = connection;
    this.ids = ids;
    this.inserts = inserts;
    this.maxBatch = maxBatch;
    this.acknowledger = acknowledger;
    connection.setAutoCommit(false);
    this.lulls = new WriterLulls(connection, inserts, this::waitingWrites, queue::size);
    this.thread = Thread.ofPlatform().name(name).daemon(true).start(this::loop);
  }

  @SuppressWarnings("unchecked")
  <T> T submit(SqlWork<T> work) {
    return (T) await(enqueue(work));
  }

  /** Queues the work; the future completes on the writer thread after the commit. */
  @SuppressWarnings("unchecked")
  <T> CompletableFuture<T> submitAsync(SqlWork<T> work) {
    return (CompletableFuture<T>) (CompletableFuture<?>) enqueue(work);
  }

  private CompletableFuture<Object> enqueue(SqlWork<?> work) {
    // A write from an after-commit action would wait for the thread that runs the action.
    if (Thread.currentThread() == thread || (acknowledger != null && acknowledger.isAcknowledgerThread())) {
      throw new IllegalStateException("nested write on the writer thread");
    }
    CompletableFuture<Object> done = new CompletableFuture<>();
    queue.add(new Unit(work, done));
    return done;
  }

  /** Runs turns of {@code work}, each in a transaction of its own, in the writer's lulls (see {@link WriterLulls}). */
  void whenIdle(Database.IdleWork work) {
    lulls.add(work);
  }

  /** Like {@link #whenIdle}, for work that must run outside any transaction (a WAL checkpoint). */
  void whenIdleOutsideTransactions(Predicate<Database.Load> due, ExclusiveWork work) {
    lulls.addOutsideTransactions(due, work);
  }

  void exclusive(ExclusiveWork work) {
    CompletableFuture<Object> done = new CompletableFuture<>();
    queue.add(new Exclusive(work, done));
    await(done);
  }

  void close() {
    queue.add(new Stop());
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for the writer; an interrupt does not abandon a write in flight, it is restored after. */
  private static Object await(CompletableFuture<Object> done) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return done.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException re) throw re;
          if (cause instanceof Error err) throw err;
          throw new StoreException("write failed: " + cause.getMessage(), cause);
        }
      }
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    List<Request> batch = new ArrayList<>();
    while (true) {
      Request first;
      try {
        first = queue.poll(QUIET.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
          lulls.whenQuiet();
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
      lulls.afterBatch(units.size());
    }
  }

  /**
   * Callers waiting on this writer: those queued, and those of committed batches waiting for their
   * sync (they come straight back with their next write once it lands, so the queue alone can look
   * short while the writer has a crowd).
   */
  private int waitingWrites() {
    return queue.size() + (acknowledger == null ? 0 : acknowledger.waitingWrites());
  }

  /**
   * Commits the units as one transaction. Optimistically they run back to back; if one fails, the
   * whole transaction is rolled back and replayed with a savepoint around each unit, so that only
   * the failing unit is undone. Failures are rare (a refused submit), savepoints cost two
   * statements per unit on the common path.
   */
  private void commitAll(List<Unit> units) {
    if (units.isEmpty()) return;
    Batch batch = new Batch(units);
    try {
      if (!runAll(batch, false)) {
        connection.rollback();
        batch = new Batch(units);
        runAll(batch, true);
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      log.error("group commit of {} writes failed", units.size(), e);
      inserts.discard();
      rollbackQuietly();
      batch.fail(new StoreException("commit failed: " + e.getMessage(), e));
      return;
    }
    if (acknowledger == null) batch.acknowledge();
    else if (queue.isEmpty() && acknowledger.caughtUp()) acknowledger.acknowledgeHere(batch); // nothing to overlap
    else acknowledger.committed(batch);
  }

  /** A batch's units, what each returned or threw, and their after-commit actions in order. */
  private static final class Batch implements CommitAcknowledger.Pending {
    final List<Unit> units;
    final Object[] results;
    final Throwable[] failures;
    final List<Runnable> afterCommit = new ArrayList<>();

    Batch(List<Unit> units) {
      this.units = List.copyOf(units);
      results = new Object[units.size()];
      failures = new Throwable[units.size()];
    }

    /** The batch is durable: runs its after-commit actions in order; returns what wakes its callers. */
    @Override
    public Runnable runAfterCommitActions() {
      for (Runnable action : afterCommit) {
        try {
          action.run();
        } catch (RuntimeException e) {
          log.error("after-commit action failed", e);
        }
      }
      return this::wakeCallers;
    }

    private void wakeCallers() {
      for (int i = 0; i < units.size(); i++) {
        if (failures[i] != null) units.get(i).done().completeExceptionally(failures[i]);
        else units.get(i).done().complete(results[i]);
      }
    }

    @Override
    public void fail(Throwable cause) {
      for (Unit u : units) u.done().completeExceptionally(cause);
    }

    @Override
    public int writes() {
      return units.size();
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
      Tx tx = new WriteTx(connection, mine);
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

  private void execute(String sql) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      st.execute();
    }
  }

  private void runExclusive(Exclusive x) {
    try {
      if (acknowledger != null) acknowledger.drain(); // the batches before it are acknowledged first
      connection.setAutoCommit(true);
      x.work().run(new NonClosingConnection(connection).proxy());
      if (acknowledger != null) acknowledger.drain(); // and its own commits are synced before it returns
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
    if (acknowledger != null) acknowledger.close();
    try {
      connection.close();
    } catch (SQLException e) {
      log.debug("closing the writer connection", e);
    }
  }

  /** A transaction of the writer's; its after-commit actions are collected in {@code actions}. */
  record WriteTx(Connection connection, List<Runnable> actions) implements Tx {
    @Override
    public void afterCommit(Runnable action) {
      actions.add(action);
    }
  }
}
