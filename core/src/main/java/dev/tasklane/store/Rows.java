package dev.tasklane.store;

import java.sql.SQLException;
import java.util.List;

/**
 * How a unit of work inserts the engine's hot rows (tasks, events), as each database does it best:
 * one database may keep them back and insert a whole batch's rows with one statement per table,
 * and hand out their ids itself; another inserts them at once.
 *
 * <p>Rows kept back are invisible to queries until {@link #flush}: a unit that reads a table it, or
 * an earlier unit of its batch, may have inserted into flushes first.
 */
public interface Rows {
  /** Tables whose ids are reserved before their rows are inserted. */
  enum Table {
    TASKS("tasks"),
    EVENTS("task_events");

    private final String table;

    Table(String table) {
      this.table = table;
    }

    public String table() {
      return table;
    }
  }

  /**
   * {@code count} new ids for rows of {@code table}, ascending, never reused. With one writer they
   * are consecutive and become visible in the order they grow; where several transactions take
   * ids at once they may not be ({@link Dialect#idsVisibleInOrder()}).
   */
  long[] reserveIds(Table table, int count) throws SQLException;

  /** One new id for a row of {@code table}. */
  default long reserveId(Table table) throws SQLException {
    return reserveIds(table, 1)[0];
  }

  /**
   * A row of {@code table} that a statement inserted, with the id the database gave it (a
   * {@link ChainedWrites} statement's rows), not one of {@link #reserveIds}.
   */
  default void inserted(Table table, long id) {}

  /** Inserts a row now, or with the rest of the batch's at the next {@link #flush}. */
  void insert(InsertShape shape, Object... values) throws SQLException;

  /** Inserts several rows of one shape, as {@link #insert} does each, in as few statements as the database likes. */
  default void insertAll(InsertShape shape, List<Object[]> rows) throws SQLException {
    for (Object[] row : rows) insert(shape, row);
  }

  /** Inserts every row kept back, so that queries see them. */
  void flush() throws SQLException;
}
