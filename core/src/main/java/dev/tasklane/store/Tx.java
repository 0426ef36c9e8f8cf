package dev.tasklane.store;

import java.sql.Connection;

/** The transaction a unit of work runs in. */
public interface Tx {
  Connection connection();

  /**
   * Runs {@code action} once the transaction is committed and durable, in commit order, on the
   * database's thread; dropped if the unit of work fails. Keep it short: it holds up the writer.
   */
  void afterCommit(Runnable action);

  /** The database's dialect. */
  Dialect dialect();

  /** New rows and their ids: how this database prefers them inserted (see {@link Rows}). */
  Rows rows();
}
