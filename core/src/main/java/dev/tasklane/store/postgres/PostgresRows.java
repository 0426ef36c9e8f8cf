package dev.tasklane.store.postgres;

import dev.tasklane.store.InsertShape;
import dev.tasklane.store.Rows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Rows on PostgreSQL, inserted at once; ids from the tables' identity sequences.
 *
 * <p>Event ids are a stream cursor: a subscriber resumes "after id N" and must not miss an event
 * with a lower id that commits later. Sequences hand out numbers in one order and transactions
 * commit in another, so the first event id of a transaction is taken under a transaction-scoped
 * advisory lock, held until the transaction ends: transactions that write events commit one after
 * another, in the order of their ids, across connections and nodes, and a commit is visible before
 * its lock is released. One instance serves one transaction.
 */
final class PostgresRows implements Rows {
  /** The advisory lock that orders event ids ("tasklane events" as a number). */
  static final long EVENTS_LOCK = 0x7461736b6c616e65L;

  private final Connection connection;
  private boolean eventsLocked;
  private long lastEventId;

  PostgresRows(Connection connection) {
    this.connection = connection;
  }

  @Override
  public long reserveIds(Table table, int count) throws SQLException {
    if (table == Table.EVENTS && !eventsLocked) {
      try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        ps.setLong(1, EVENTS_LOCK);
        ps.executeQuery().close();
      }
      eventsLocked = true;
    }
    long first = -1;
    long previous = -1;
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT nextval(pg_get_serial_sequence(?, 'id')) FROM generate_series(1, ?)")) {
      ps.setString(1, table.table());
      ps.setInt(2, count);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long id = rs.getLong(1);
          if (first < 0) first = id;
          else if (id != previous + 1) throw new SQLException("ids of " + table.table() + " were not consecutive");
          previous = id;
        }
      }
    }
    if (table == Table.EVENTS) lastEventId = Math.max(lastEventId, previous);
    return first;
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

  @Override
  public void flush() {}
}
