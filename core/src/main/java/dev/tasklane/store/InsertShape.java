package dev.tasklane.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * An {@code INSERT} of one table that takes one or many rows: {@code head} up to {@code VALUES},
 * {@code row} one row's tuple with {@code parameters} placeholders (constants may stand in the
 * tuple). Many rows go in chunks of powers of two up to {@link #MAX_ROWS}, so each table has a few
 * statement shapes to keep prepared, not one per count.
 */
public final class InsertShape {
  /** Most rows in one statement. */
  public static final int MAX_ROWS = 256;
  /** The lower of the databases' limits on a statement's parameters (SQLite's default). */
  private static final int MAX_PARAMETERS = 32_766;

  private final int parameters;
  /** The statement for 2^i rows at index i. */
  private final String[] sql;

  public InsertShape(String head, String row, int parameters) {
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

  public int parameters() {
    return parameters;
  }

  /** Most rows in one statement of this shape: a power of two, within the parameter limit. */
  public int maxRows() {
    return 1 << (sql.length - 1);
  }

  /** The statement for {@code rows} rows, a power of two up to {@link #maxRows()}. */
  public String sql(int rows) {
    return sql[Integer.numberOfTrailingZeros(rows)];
  }

  /** Checks that a row has as many values as the shape has parameters. */
  public void check(Object[] values) {
    if (values.length != parameters) {
      throw new IllegalArgumentException(parameters + " values expected, got " + values.length);
    }
  }

  /** Inserts {@code rows} now, as few statements as the chunks allow. */
  public void insert(Connection c, List<Object[]> rows) throws SQLException {
    int at = 0;
    while (at < rows.size()) {
      int n = Math.min(maxRows(), Integer.highestOneBit(rows.size() - at));
      try (PreparedStatement ps = c.prepareStatement(sql(n))) {
        int p = 1;
        for (int r = at; r < at + n; r++) {
          for (Object v : rows.get(r)) ps.setObject(p++, v);
        }
        ps.executeUpdate();
      }
      at += n;
    }
  }
}
