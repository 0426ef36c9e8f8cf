package dev.tasklane.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What differs between the databases: the few statements whose SQL differs, and capabilities as
 * flags (never {@code instanceof}). Everything else is shared SQL.
 */
public interface Dialect {
  /** Folder name of this dialect's migrations: {@code sqlite} or {@code postgresql}. */
  String name();

  /** True when one process owns the database (SQLite): running tasks found at start are orphans. */
  boolean singleProcess();

  /**
   * True when several connections may write at once, so claims lock the rows they take
   * ({@code FOR UPDATE SKIP LOCKED}) and the sessions they count; false when one writer serializes
   * every write.
   */
  boolean concurrentWriters();

  /**
   * True when the database can tell other processes of a change as it commits
   * ({@code LISTEN/NOTIFY}): what wakes workers and carries events and cancels across nodes.
   */
  boolean supportsListener();

  /**
   * True when rows become visible in the order of their ids (one writer, commits one at a time):
   * a reader resuming after an id can never miss a row that commits later. False when several
   * transactions take ids and commit in another order: readers then stop at the
   * {@link Database#horizon} of the table.
   */
  boolean idsVisibleInOrder();

  /**
   * True when one statement can change rows and insert what follows from them, the database
   * handing out the new rows' ids ({@code WITH ... UPDATE ... RETURNING}, then {@code INSERT}): a
   * claim and a batch of completions are then one round trip each ({@link ChainedWrites}). False
   * where statements cost no round trip (SQLite, in process).
   */
  default boolean writesInOneStatement() {
    return false;
  }

  /** How a session's tasks are found. */
  SessionIndex sessionIndex();

  /**
   * A table of {@code (pos, id)} rows, one per element of a JSON array of ids bound as text to its
   * one parameter; {@code pos} counts from 0.
   */
  String idsOf();

  /** A table of {@code (value)} rows, one per string of a JSON array bound as text to its one parameter. */
  String textsOf();

  /** {@code column} as a planner should not use an index for it (SQLite: a unary {@code +}). */
  default String noIndex(String column) {
    return column;
  }

  /**
   * Statements that make the statements after them, up to {@link #planAsUsual}, walk indexes in
   * their order and row by row (a claim's: the queue up to the few tasks it needs, the running
   * tasks, the chosen tasks by id), however few rows the planner believes there are. Empty where
   * the planner needs no such push (SQLite: {@link #noIndex} steers it).
   */
  default String walkIndexes() {
    return "";
  }

  /** Undoes {@link #walkIndexes} for the rest of the transaction. */
  default String planAsUsual() {
    return "";
  }

  /** Appended to a {@code SELECT} that picks rows to change: locks them, skipping rows others hold. */
  default String lockSkipLocked() {
    return "";
  }

  /**
   * Takes the lock named {@code key} until the transaction ends, if no other transaction holds it:
   * false when one does. Lets work that any node may do, but only one at a time, be skipped by the
   * others. With one writer there is nobody to exclude.
   */
  default boolean tryLockForTransaction(Connection c, long key) throws SQLException {
    return true;
  }

  /**
   * Appended to a {@code SELECT} that joins other rows to the rows of {@code alias}: locks only
   * those, skipping rows others hold.
   */
  default String lockSkipLockedOf(String alias) {
    return "";
  }

  /** Appended to a {@code SELECT} that reads rows it will change: locks them. */
  default String lockForUpdate() {
    return "";
  }
}
