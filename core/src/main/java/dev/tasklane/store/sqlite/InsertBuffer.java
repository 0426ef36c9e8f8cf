package dev.tasklane.store.sqlite;

import dev.tasklane.store.InsertShape;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows that the writer's batch appends, inserted together: one multi-row {@code INSERT} per table
 * for up to {@link InsertShape#MAX_ROWS} rows, instead of one statement per row. Through the SQLite
 * driver each statement costs a native step and a reset on top of its rows; a batch of submits
 * writes three rows each, so most of a submit's statements become a share of one.
 *
 * <p>Only while the writer runs an {@code AppendingWork} are rows kept back; anywhere else they are
 * inserted at once. Kept-back rows are invisible to queries until {@link #flushTo}: code in an
 * appending unit that reads a table it may have appended to flushes first. The writer flushes
 * before any other unit and before the commit, and drops the rows of a unit that failed.
 */
final class InsertBuffer {
  /** Kept-back rows by shape, in the order their shapes were first used, so tables fill in that order. */
  private final Map<InsertShape, List<Object[]>> rows = new LinkedHashMap<>();
  private boolean keeping;

  /** Whether inserts are kept back (the writer sets it per unit). */
  void keep(boolean keep) {
    keeping = keep;
  }

  boolean keeping() {
    return keeping;
  }

  void add(InsertShape shape, Object[] values) {
    rows.computeIfAbsent(shape, s -> new ArrayList<>()).add(values);
  }

  /** Inserts every kept-back row, table by table, in order; the buffer is empty after, even if a statement failed. */
  void flushTo(Connection c) throws SQLException {
    if (rows.isEmpty()) return;
    try {
      for (Map.Entry<InsertShape, List<Object[]>> e : rows.entrySet()) e.getKey().insert(c, e.getValue());
    } finally {
      rows.clear();
    }
  }

  /** Forgets the kept-back rows: their unit failed, or the transaction is rolled back. */
  void discard() {
    rows.clear();
  }
}
