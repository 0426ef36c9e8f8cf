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

  /** {@code LISTEN/NOTIFY}: waking, events and cancels across nodes ({@link PostgresSignals}). */
  @Override
  public boolean supportsListener() {
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
  public String lockSkipLocked() {
    return " FOR UPDATE SKIP LOCKED";
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
