package dev.tasklane.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * A writer over a fresh SQLite file with one test table, and a separate connection that reads what
 * it committed.
 */
record TestWriter(GroupCommitWriter writer, Connection reader) implements AutoCloseable {
  /**
   * @param table the test table's definition, e.g. {@code "t (v INTEGER)"}
   * @param acknowledger null to acknowledge each batch once committed
   */
  static TestWriter open(Path file, String table, int maxBatch, CommitAcknowledger acknowledger)
      throws SQLException {
    CachingConnection c = CachingConnection.open(file, new SQLiteConfig());
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("PRAGMA synchronous=NORMAL");
      st.execute("CREATE TABLE " + table);
    }
    RowIds ids = new RowIds();
    InsertBuffer inserts = new InsertBuffer();
    GroupCommitWriter writer =
        new GroupCommitWriter(c.carrying(ids, inserts), ids, inserts, maxBatch, "test-writer", acknowledger);
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
