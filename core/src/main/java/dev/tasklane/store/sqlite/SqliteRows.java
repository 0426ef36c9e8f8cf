package dev.tasklane.store.sqlite;

import dev.tasklane.store.InsertShape;
import dev.tasklane.store.Rows;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.LongStream;

/**
 * Rows on the SQLite writer's connection: ids handed out by the writer ({@link RowIds}), and rows
 * kept back in the {@link InsertBuffer} while the writer runs an appending unit of work.
 */
record SqliteRows(Connection connection, RowIds ids, InsertBuffer inserts) implements Rows {
  @Override
  public long[] reserveIds(Table table, int count) throws SQLException {
    long first = ids.take(connection, table, count);
    return LongStream.range(first, first + count).toArray();
  }

  @Override
  public long reserveId(Table table) throws SQLException {
    return ids.take(connection, table, 1);
  }

  @Override
  public void insert(InsertShape shape, Object... values) throws SQLException {
    shape.check(values);
    if (inserts.keeping()) inserts.add(shape, values);
    else shape.insert(connection, List.<Object[]>of(values));
  }

  @Override
  public void flush() throws SQLException {
    inserts.flushTo(connection);
  }
}
