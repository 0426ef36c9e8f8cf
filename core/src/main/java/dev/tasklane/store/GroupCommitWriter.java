package dev.tasklane.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer: one thread, one connection. Callers hand it units of work and wait; it takes
 * every unit waiting at that moment (up to {@code maxBatch}) and commits them as one transaction,
 * each inside its own savepoint so a failing unit is rolled back alone. After the commit it runs
 * the units' after-commit actions in order, then wakes the callers.
 */
final class GroupCommitWriter {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

  /** Work that needs the connection to itself, outside any batch (schema migrations). */
  interface ExclusiveWork {
    void run(Connection connection) throws Exception;
  }

  private sealed interface Request permits Unit, Exclusive, Stop {}

  private record Unit(SqlWork<?> work, CompletableFuture<Object> done) implements Request {}

  private record Exclusive(ExclusiveWork work, CompletableFuture<Object> done) implements Request {}

  private record Stop() implements Request {}

  private final Connection connection;
  private final int maxBatch;
  private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final Thread thread;

  GroupCommitWriter(Connection connection, int maxBatch, String name) throws SQLException {
    this.connection = connection;
    this.maxBatch = maxBatch;
    connection.setAutoCommit(false);
    this.thread = Thread.ofPlatform().name(name).daemon(true).start(this::loop);
  }

  @SuppressWarnings("unchecked")
  <T> T submit(SqlWork<T> work) {
    if (Thread.currentThread() == thread) throw new IllegalStateException("nested write on the writer thread");
    CompletableFuture<Object> done = new CompletableFuture<>();
    queue.add(new Unit(work, done));
    return (T) await(done);
  }

  void exclusive(ExclusiveWork work) {
    CompletableFuture<Object> done = new CompletableFuture<>();
    queue.add(new Exclusive(work, done));
    await(done);
  }

  void close() {
    System.out.printf("WRITER commits=%d units=%d busy=%.2fs commit=%.2fs%n", COMMITS.get(), UNITS.get(), NANOS.get()/1e9, CNANOS.get()/1e9);
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
        first = queue.take();
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
    }
  }

  static final java.util.concurrent.atomic.AtomicLong COMMITS = new java.util.concurrent.atomic.AtomicLong(), UNITS = new java.util.concurrent.atomic.AtomicLong(), NANOS = new java.util.concurrent.atomic.AtomicLong(), CNANOS = new java.util.concurrent.atomic.AtomicLong();
  private void commitAll(List<Unit> units) {
    if (units.isEmpty()) return;
    long t0 = System.nanoTime(); COMMITS.incrementAndGet(); UNITS.addAndGet(units.size());
    List<Runnable> afterCommit = new ArrayList<>();
    Object[] results = new Object[units.size()];
    Throwable[] failures = new Throwable[units.size()];
    try {
      for (int i = 0; i < units.size(); i++) {
        runInSavepoint(units.get(i), i, results, failures, afterCommit);
      }
      long t1 = System.nanoTime();
      connection.commit();
      CNANOS.addAndGet(System.nanoTime() - t1); NANOS.addAndGet(System.nanoTime() - t0);
    } catch (SQLException | RuntimeException e) {
      log.error("group commit of {} writes failed", units.size(), e);
      rollbackQuietly();
      StoreException failure = new StoreException("commit failed: " + e.getMessage(), e);
      for (Unit u : units) u.done().completeExceptionally(failure);
      return;
    }
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

  private void runInSavepoint(Unit unit, int i, Object[] results, Throwable[] failures, List<Runnable> afterCommit)
      throws SQLException {
    List<Runnable> mine = new ArrayList<>();
    Tx tx = new WriteTx(connection, mine);
    try (PreparedStatement st = connection.prepareStatement("SAVEPOINT unit")) {
      st.execute();
    }
    try {
      results[i] = unit.work().run(tx);
      try (PreparedStatement st = connection.prepareStatement("RELEASE unit")) {
        st.execute();
      }
      afterCommit.addAll(mine);
    } catch (Exception | Error e) {
      try (Statement st = connection.createStatement()) {
        st.execute("ROLLBACK TO unit");
        st.execute("RELEASE unit");
      }
      failures[i] = e instanceof SQLException ? new StoreException("write failed: " + e.getMessage(), e) : e;
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

  private record WriteTx(Connection connection, List<Runnable> actions) implements Tx {
    @Override
    public void afterCommit(Runnable action) {
      actions.add(action);
    }
  }
}
