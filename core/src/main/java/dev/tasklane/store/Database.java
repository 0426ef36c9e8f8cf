package dev.tasklane.store;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

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

  /** How much the writer has to do when it offers housekeeping a turn. */
  enum Load {
    /** No write has been waiting for a while (20 ms on SQLite). */
    QUIET,
    /** A batch was just committed and only a few writes wait: housekeeping now delays only them. */
    LIGHT
  }

  /** Housekeeping for the writer's lulls (see {@link #whenIdle}). */
  interface IdleWork {
    /** Whether a turn is due in a lull of this kind. */
    boolean due(Load load);

    /** One turn, sized for the lull: a few waiting writes wait for all of it. */
    void run(Tx tx, Load load) throws SQLException;
  }

  /**
   * Runs {@code work} in the writer's lulls, each turn in a write transaction of its own: after a
   * commit that leaves only a few writes waiting (one turn, taken in turn with other housekeeping),
   * and when none has waited for a while (turns as long as it is due and nothing waits). For work that would slow a busy writer and can
   * wait (its caller bounds how long, e.g. by doing it inline past a cap).
   */
  void whenIdle(IdleWork work);

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
