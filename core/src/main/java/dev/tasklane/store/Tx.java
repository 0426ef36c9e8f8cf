package dev.tasklane.store;

import java.sql.Connection;

/** The transaction a unit of work runs in. */
public interface Tx {
  Connection connection();

  /**
   * Runs {@code action} after the transaction committed, in commit order, on the committing thread;
   * dropped if the unit of work fails. Keep it short: it holds up the writer.
   */
  void afterCommit(Runnable action);
}
