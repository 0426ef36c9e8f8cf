package dev.tasklane.store.postgres;

import dev.tasklane.store.Dialect;
import dev.tasklane.store.SessionIndex;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * PostgreSQL's differences: many processes and connections write at once, so claims lock the rows
 * they take and skip those others hold; JSON arrays through {@code jsonb_array_elements_text}; a
 * session's tasks through an index on {@code tasks (session_key)}.
 */
final class PostgresDialect implements Dialect {
  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public boolean singleProcess() {
    return false;
  }

  @Override
  public boolean concurrentWriters() {
    return true;
  }

  /** Connections take ids from sequences and commit in their own order: readers stop at a horizon. */
  @Override
  public boolean idsVisibleInOrder() {
    return false;
  }

  /** {@code LISTEN/NOTIFY}: waking, events and cancels across nodes ({@link PostgresSignals}). */
  @Override
  public boolean supportsListener() {
    return true;
  }

  @Override
  public boolean writesInOneStatement() {
    return true;
  }

  @Override
  public SessionIndex sessionIndex() {
    return SessionIndex.BY_COLUMN;
  }

  @Override
  public String idsOf() {
    return "(SELECT (o - 1) AS pos, CAST(v AS BIGINT) AS id"
        + " FROM jsonb_array_elements_text(CAST(? AS jsonb)) WITH ORDINALITY AS a(v, o))";
  }

  @Override
  public String textsOf() {
    return "(SELECT v AS value FROM jsonb_array_elements_text(CAST(? AS jsonb)) AS a(v))";
  }

  /**
   * The planner's row counts lag a burst of submits until the table is analyzed again. Counting a
   * few dozen tasks where there are thousands, it read and sorted every queued task for each claim
   * instead of walking {@code tasks_queue} in order and stopping after the few it needs, and it
   * found the claimed tasks by id by reading the whole table, once per statement. And a bitmap scan
   * never marks the index entries of rows that are gone (tasks no longer queued or running) as
   * dead, so every claim visited them again; an index scan marks them once. So a claim's statements
   * walk indexes, row by row, and look ids up in the primary key.
   */
  @Override
  public String walkIndexes() {
    return "SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off;"
        + " SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off";
  }

  @Override
  public String planAsUsual() {
    return "SET LOCAL enable_sort TO DEFAULT; SET LOCAL enable_bitmapscan TO DEFAULT;"
        + " SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL enable_hashjoin TO DEFAULT;"
        + " SET LOCAL enable_mergejoin TO DEFAULT";
  }

  @Override
  public String lockSkipLocked() {
    return " FOR UPDATE SKIP LOCKED";
  }

  @Override
  public String lockSkipLockedOf(String alias) {
    return " FOR UPDATE OF " + alias + " SKIP LOCKED";
  }

  @Override
  public boolean tryLockForTransaction(Connection c, long key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
      ps.setLong(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  @Override
  public String lockForUpdate() {
    return " FOR UPDATE";
  }
}
