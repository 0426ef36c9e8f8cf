package dev.tasklane.store;

import java.sql.SQLException;

/** How a database finds the tasks of one session. */
public interface SessionIndex {
  /**
   * A subquery selecting the ids of one session's tasks; it takes the session key as its only
   * parameters, {@link #parameters()} times.
   */
  String taskIds();

  int parameters();

  /** Called once the core tables are migrated, before the first task is submitted. */
  default void start(Tx tx) throws SQLException {}

  /** Records a task just inserted. */
  default void added(Tx tx, long taskId, String session) throws SQLException {}

  /** Forgets the tasks that {@code taskIds} selects (a subquery with one parameter), before they are deleted. */
  default void forget(Tx tx, String taskIds, long parameter) throws SQLException {}

  /** A session's tasks found through an index on {@code tasks (session_key)}. */
  SessionIndex BY_COLUMN = new SessionIndex() {
    @Override
    public String taskIds() {
      return "SELECT id FROM tasks WHERE session_key = ?";
    }

    @Override
    public int parameters() {
      return 1;
    }
  };
}
