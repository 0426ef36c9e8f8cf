package dev.tasklane.store.sqlite;

import dev.tasklane.store.Dialect;

/**
 * SQLite's differences: one process, one writer (so no row locks), the split session index, JSON
 * arrays through {@code json_each}, and a unary {@code +} to keep the planner off an index.
 */
record SqliteDialect(SessionTasks sessionIndex) implements Dialect {
  @Override
  public String name() {
    return "sqlite";
  }

  @Override
  public boolean singleProcess() {
    return true;
  }

  @Override
  public boolean concurrentWriters() {
    return false;
  }

  @Override
  public boolean idsVisibleInOrder() {
    return true;
  }

  @Override
  public boolean supportsListener() {
    return false;
  }

  @Override
  public String idsOf() {
    return "(SELECT key AS pos, value AS id FROM json_each(?))";
  }

  @Override
  public String textsOf() {
    return "(SELECT value FROM json_each(?))";
  }

  @Override
  public String noIndex(String column) {
    return "+" + column;
  }
}
