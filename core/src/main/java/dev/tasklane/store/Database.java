package dev.tasklane.store;

import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The one database a Tasklane process writes to. Every module keeps its tables here, so that on
 * SQLite all writes go through the one writer connection.
 *
 * <p>{@link #write} runs a unit of work in a transaction; on SQLite a single writer thread commits
 * the units waiting at that moment together (group commit), each in its own savepoint, so one
 * failing unit does not undo the others. When {@code write} returns, the work is committed.
 */
public interface Database extends AutoCloseable {
  Dialect dialect();

  /** Runs {@code work} in a write transaction and returns its value once committed. */
  <T> T write(SqlWork<T> work);

  /**
   * Like {@link #write}, without waiting: the future completes (on the database's thread, so its
   * callbacks must be quick) once the work is committed, or exceptionally if it failed.
   */
  default <T> CompletableFuture<T> writeAsync(SqlWork<T> work) {
    try {
      return CompletableFuture.completedFuture(write(work));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Housekeeping for the writer's quiet moments: whenever no write is waiting and {@code due} says
   * so, {@code work} runs in a write transaction of its own. For work that would slow a busy writer
   * and can wait (its caller bounds how long, e.g. by doing it inline past a cap).
   */
  void whenIdle(BooleanSupplier due, SqlWork<?> work);

  /** Runs {@code work} on a read connection (sees everything committed before the call). */
  <T> T read(SqlWork<T> work);

  /**
   * Applies the Flyway migrations found at {@code classpath:<location>/<dialect name>} (e.g.
   * {@code db/chat/sqlite}), recorded in their own history table {@code <name>_schema_history}.
   */
  void migrate(String name, String location);

  @Override
  void close();
}
