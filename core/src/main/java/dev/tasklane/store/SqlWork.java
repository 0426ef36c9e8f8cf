package dev.tasklane.store;

import java.sql.SQLException;

/** A unit of database work. */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Tx tx) throws SQLException;
}
