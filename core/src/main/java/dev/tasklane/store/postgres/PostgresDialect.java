package dev.tasklane.store.postgres;

import dev.tasklane.store.Dialect;
import dev.tasklane.store.SessionIndex;

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

  /** {@code LISTEN/NOTIFY}: nothing uses it yet; waking and following across nodes will. */
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
  public String lockForUpdate() {
    return " FOR UPDATE";
  }
}
