package dev.tasklane.store.postgres;

import dev.tasklane.store.InsertShape;
import dev.tasklane.store.Rows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * Rows on PostgreSQL, inserted at once; ids from the tables' identity sequences.
 *
 * <p>Ids are stream cursors: a subscriber resumes "after event N" (or transcript entry N) and must
 * not miss a row with a lower id that commits later. Sequences hand out numbers in one order and
 * transactions commit in another; readers stop at the {@link PostgresHorizon}, which relies on every
 * write transaction having its transaction id before it takes an id ({@link #beginWrite}). One
 * instance serves one transaction.
 */
final class PostgresRows implements Rows {

  private final Connection connection;
  private long lastEventId;

  PostgresRows(Connection connection) {
    this.connection = connection;
  }

  /**
   * The first statement of every write transaction: gives it its transaction id now, before it
   * takes any id from a sequence, so that a horizon's snapshot counts it as in progress. Takes no
   * lock.
   */
  static void beginWrite(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_current_xact_id()")) {
      ps.executeQuery().close();
    }
  }

  /** Ascending; other transactions take ids at the same time, so not always consecutive. */
  @Override
  public long[] reserveIds(Table table, int count) throws SQLException {
    long[] ids = new long[count];
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT nextval(pg_get_serial_sequence(?, 'id')) FROM generate_series(1, ?)")) {
      ps.setString(1, table.table());
      ps.setInt(2, count);
      try (ResultSet rs = ps.executeQuery()) {
        for (int i = 0; i < count; i++) {
          if (!rs.next()) throw new SQLException("fewer ids of " + table.table() + " than asked for");
          ids[i] = rs.getLong(1);
        }
      }
    }
    Arrays.sort(ids);
    if (table == Table.EVENTS && count > 0) lastEventId = Math.max(lastEventId, ids[count - 1]);
    return ids;
  }

  @Override
  public void inserted(Table table, long id) {
    if (table == Table.EVENTS) lastEventId = Math.max(lastEventId, id);
  }

  /** The highest event id this transaction took, or 0 if it wrote no event. */
  long lastEventId() {
    return lastEventId;
  }

  @Override
  public void insert(InsertShape shape, Object... values) throws SQLException {
    shape.check(values);
    shape.insert(connection, List.<Object[]>of(values));
  }

  /** One multi-row statement (a round trip) for all of them. */
  @Override
  public void insertAll(InsertShape shape, List<Object[]> rows) throws SQLException {
    for (Object[] row : rows) shape.check(row);
    shape.insert(connection, rows);
  }

  @Override
  public void flush() {}
}
