package dev.tasklane.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.LongSupplier;
import org.sqlite.SQLiteConfig;

/**
 * A writer over a fresh SQLite file with one test table, and a separate connection that reads what
 * it committed.
 */
record TestWriter(GroupCommitWriter writer, Connection reader) implements AutoCloseable {
  /** @param table the test table's definition, e.g. {@code "t (v INTEGER)"} */
  static TestWriter open(Path file, String table, int maxBatch) throws SQLException {
    return open(CachingConnection.open(file, new SQLiteConfig()), file, table, maxBatch, System::nanoTime);
  }

  /** With {@code nanoTime} as the writer's clock (tests: one they move). */
  static TestWriter open(Path file, String table, int maxBatch, LongSupplier nanoTime) throws SQLException {
    return open(CachingConnection.open(file, new SQLiteConfig()), file, table, maxBatch, nanoTime);
  }

  /** Over {@code writerConnection} (tests: one that fails when told to). */
  static TestWriter open(Connection writerConnection, Path file, String table, int maxBatch) throws SQLException {
    return open(writerConnection, file, table, maxBatch, System::nanoTime);
  }

  private static TestWriter open(Connection writerConnection, Path file, String table, int maxBatch,
      LongSupplier nanoTime) throws SQLException {
    try (Statement st = writerConnection.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      // The writer's mechanics, not the disk, are under test here: commits need not wait for a sync.
      st.execute("PRAGMA synchronous=NORMAL");
      st.execute("CREATE TABLE " + table);
    }
    GroupCommitWriter writer = new GroupCommitWriter(writerConnection, new SqliteDialect(new SessionTasks()), maxBatch,
        "test-writer", nanoTime);
    return new TestWriter(writer, DriverManager.getConnection("jdbc:sqlite:" + file));
  }

  /** Rows committed in {@code table}, as another connection sees them. */
  long rows(String table) throws SQLException {
    try (Statement st = reader.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() throws SQLException {
    writer.close();
    reader.close();
  }
}
