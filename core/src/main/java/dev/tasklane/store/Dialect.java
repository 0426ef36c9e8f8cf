package dev.tasklane.store;

/**
 * What differs between the databases. Capabilities are flags, not {@code instanceof} checks; the
 * SQL itself is shared wherever both databases accept it.
 */
public interface Dialect {
  /** Folder name of this dialect's migrations: {@code sqlite} or {@code postgresql}. */
  String name();

  /** True when one process owns the database (SQLite): running tasks found at start are orphans. */
  boolean singleProcess();

  /** True when claims can skip rows other transactions hold ({@code FOR UPDATE SKIP LOCKED}). */
  boolean supportsSkipLocked();
}
