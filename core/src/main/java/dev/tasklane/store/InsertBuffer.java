package dev.tasklane.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows that the writer's batch appends, inserted together: one multi-row {@code INSERT} per table
 * for up to {@link #MAX_ROWS} rows, instead of one statement per row. Through the SQLite driver
 * each statement costs a native step and a reset on top of its rows; a batch of submits writes
 * three rows each, so most of a submit's statements become a share of one.
 *
 * <p>Only the writer connection carries one ({@link CachingConnection#carried}), and
 * only while the writer runs an {@link AppendingWork} does {@link #insert} keep rows back; anywhere
 * else it inserts at once. Kept-back rows are invisible to queries until {@link #flush}: code in an
 * appending unit that reads a table it may have appended to flushes first. The writer flushes
 * before any other unit and before the commit, and drops the rows of a unit that failed.
 */
final class InsertBuffer {
  /**
   * Most rows in one statement; a batch's rows go in chunks of powers of two up to it, so each
   * table has a few statement shapes to keep prepared, not one per batch size.
   */
  static final int MAX_ROWS = 256;
  /** SQLite's default limit on a statement's parameters. */
  private static final int MAX_PARAMETERS = 32_766;

  /**
   * An {@code INSERT} of one table: {@code head} up to {@code VALUES}, {@code row} one row's
   * tuple, with {@code parameters} placeholders (constants may stand in the tuple).
   */
  static final class Shape {
    private final int parameters;
    /** The statement for 2^i rows at index i. */
    private final String[] sql;

    Shape(String head, String row, int parameters) {
      if (parameters < 1 || parameters > MAX_PARAMETERS) throw new IllegalArgumentException("parameters: " + parameters);
      this.parameters = parameters;
      int rows = MAX_ROWS;
      while (rows > 1 && rows * parameters > MAX_PARAMETERS) rows /= 2;
      sql = new String[Integer.numberOfTrailingZeros(rows) + 1];
      StringBuilder b = new StringBuilder(head).append(row);
      for (int i = 0, n = 1; i < sql.length; i++, n *= 2) {
        while (b.length() < head.length() + n * (row.length() + 2) - 2) b.append(", ").append(row);
        sql[i] = b.toString();
      }
    }

    int parameters() {
      return parameters;
    }

    /** Most rows in one statement of this shape: a power of two, within SQLite's parameter limit. */
    int maxRows() {
      return 1 << (sql.length - 1);
    }

    String sql(int rows) {
      return sql[Integer.numberOfTrailingZeros(rows)];
    }
  }

  /** Kept-back rows by shape, in the order their shapes were first used, so tables fill in that order. */
  private final Map<Shape, List<Object[]>> rows = new LinkedHashMap<>();
  private boolean keeping;

  /** Inserts a row now, or, on the writer running an appending unit, at the next flush. */
  static void insert(Connection c, Shape shape, Object... values) throws SQLException {
    if (values.length != shape.parameters()) {
      throw new IllegalArgumentException(shape.parameters() + " values expected, got " + values.length);
    }
    InsertBuffer buffer = CachingConnection.carried(c, InsertBuffer.class);
    if (buffer != null && buffer.keeping) buffer.rows.computeIfAbsent(shape, s -> new ArrayList<>()).add(values);
    else insertNow(c, shape, List.<Object[]>of(values));
  }

  /** Inserts the rows kept back on {@code c}, if it has a buffer; before a read of what they may touch. */
  static void flush(Connection c) throws SQLException {
    InsertBuffer buffer = CachingConnection.carried(c, InsertBuffer.class);
    if (buffer != null) buffer.flushTo(c);
  }

  /** Whether {@link #insert} keeps rows back (the writer sets it per unit). */
  void keep(boolean keep) {
    keeping = keep;
  }

  /** Inserts every kept-back row, table by table, in order; the buffer is empty after, even if a statement failed. */
  void flushTo(Connection c) throws SQLException {
    if (rows.isEmpty()) return;
    try {
      for (Map.Entry<Shape, List<Object[]>> e : rows.entrySet()) insertNow(c, e.getKey(), e.getValue());
    } finally {
      rows.clear();
    }
  }

  /** Forgets the kept-back rows: their unit failed, or the transaction is rolled back. */
  void discard() {
    rows.clear();
  }

  private static void insertNow(Connection c, Shape shape, List<Object[]> all) throws SQLException {
    int at = 0;
    while (at < all.size()) {
      int n = Math.min(shape.maxRows(), Integer.highestOneBit(all.size() - at));
      try (PreparedStatement ps = c.prepareStatement(shape.sql(n))) {
        int p = 1;
        for (int r = at; r < at + n; r++) {
          for (Object v : all.get(r)) ps.setObject(p++, v);
        }
        ps.executeUpdate();
      }
      at += n;
    }
  }
}
