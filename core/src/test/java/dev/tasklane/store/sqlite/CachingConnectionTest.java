package dev.tasklane.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/** Statements are prepared once per SQL and reused; a closed statement comes back clean, and only once. */
class CachingConnectionTest {
  @TempDir Path dir;

  @Test
  void aClosedStatementIsReusedWithoutItsOldParameters() throws Exception {
    try (Connection c = CachingConnection.open(dir.resolve("c.db"), new SQLiteConfig())) {
      PreparedStatement first = c.prepareStatement("SELECT ?");
      first.setInt(1, 7);
      first.close();
      PreparedStatement again = c.prepareStatement("SELECT ?");
      assertThat(again).isSameAs(first);
      again.setInt(1, 8);
      try (ResultSet rs = again.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(8);
      }
      // In use: the same SQL gets a statement of its own.
      try (PreparedStatement other = c.prepareStatement("SELECT ?")) {
        assertThat(other).isNotSameAs(again);
      }
      again.close();
    }
  }

  @Test
  void closingTwiceReturnsTheStatementOnce() throws Exception {
    try (Connection c = CachingConnection.open(dir.resolve("c.db"), new SQLiteConfig())) {
      PreparedStatement s = c.prepareStatement("SELECT 1");
      s.close();
      s.close();
      PreparedStatement a = c.prepareStatement("SELECT 1");
      PreparedStatement b = c.prepareStatement("SELECT 1");
      assertThat(a).isNotSameAs(b); // two users never share one statement
      a.close();
      b.close();
    }
  }
}
