package dev.tasklane.store;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The one database a Tasklane process keeps its tables in: SQLite (one process) or PostgreSQL
 * (several). Every module reads and writes its own tables through it, with plain portable SQL.
 *
 * <p>The contract every implementation keeps (docs/ENGINE.md, "The store contract"):
 *
 * <ul>
 *   <li>{@link #write} returns only once the work is committed and durable; it throws a
 *       {@link StoreException} only when the work did not happen, or one whose
 *       {@link StoreException#outcomeUnknown()} is true when the database failed in a way that
 *       leaves it unknown (the SQLite store then stops taking writes).
 *   <li>A unit of work may run more than once before its transaction commits (a batch is replayed
 *       unit by unit when one unit fails): it must do nothing outside the transaction except through
 *       {@link Tx#afterCommit}, which runs once, after the commit is durable, in commit order.
 *   <li>A reader sees only commits that are durable.
 * </ul>
 */
public interface Database extends AutoCloseable {
  /** What differs between the databases: SQL that differs, and capabilities as flags. */
  Dialect dialect();

  /** Runs {@code work} in a write transaction and returns its value once committed and durable. */
  <T> T write(SqlWork<T> work);

  /**
   * Waits for a write queued with {@link #writeAsync} (or a writer's own queue) and returns its
   * value, or throws what it failed with. An interrupt does not abandon a write in flight: it is
   * restored after.
   */
  static <T> T await(CompletableFuture<T> write) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return write.get();
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

  /**
   * Like {@link #write}, without waiting: the future completes (on the database's thread, so its
   * callbacks must be quick and may not write and wait) once the work is committed and durable, or
   * exceptionally if it failed.
   */
  default <T> CompletableFuture<T> writeAsync(SqlWork<T> work) {
    try {
      return CompletableFuture.completedFuture(write(work));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Runs {@code work} in a write transaction that is rolled back, so that the code and statements of
   * a write are ready before its first real use: nothing of it stays, no after-commit action runs, no
   * id is used up. Returns false, running nothing, where the database cannot promise that (a
   * PostgreSQL sequence does not roll back); throws what the work threw.
   */
  default boolean rehearse(SqlWork<?> work) {
    return false;
  }

  /**
   * Like {@link #write}, in a transaction of its own rather than in a batch with others: for a large
   * write (a file's bytes) that would hold up the writes queued behind it. Where one thread does
   * every write (SQLite), the same as {@link #write}.
   */
  default <T> T writeApart(SqlWork<T> work) {
    return write(work);
  }

  /** Runs {@code work} on a read connection (sees everything committed before the call). */
  <T> T read(SqlWork<T> work);

  /**
   * Applies the Flyway migrations found at {@code classpath:<location>/<dialect name>} (e.g.
   * {@code db/chat/sqlite}), recorded in their own history table {@code <name>_schema_history}.
   */
  void migrate(String name, String location);

  /**
   * How far the ids of {@code table}'s rows (one with an {@code id} taken from a sequence, e.g.
   * {@code task_events}) are final: {@link IdHorizon#IN_ORDER} where rows become visible in the
   * order of their ids ({@link Dialect#idsVisibleInOrder()}).
   */
  default IdHorizon horizon(String table) {
    return IdHorizon.IN_ORDER;
  }

  /**
   * How many times since this database was opened a write batch (or a unit of one) ran again
   * because it collided with another transaction (a deadlock, a serialization failure).
   */
  default long retriedWrites() {
    return 0;
  }

  /**
   * How this database tells the other processes that share it of a commit, if it can
   * ({@link Dialect#supportsListener()}): what wakes workers, and carries events and cancels, across
   * nodes. Empty when one process owns the database.
   */
  default Optional<Signals> signals() {
    return Optional.empty();
  }

  /**
   * Does {@code duty} on one process at a time among those sharing the database, with takeover: the
   * process that holds it is the one {@code duty.start()} was called on, until {@code duty.stop()};
   * when it dies or loses the database another takes the duty within seconds. Closing the returned
   * handle gives the duty up. Alone on its database a process takes the duty at once.
   *
   * @param name what is elected, the same on every process (e.g. the bot polled)
   */
  default AutoCloseable elect(String name, Duty duty) {
    duty.start();
    return duty::stop;
  }

  @Override
  void close();
}
