package dev.tasklane.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.store.Database;
import dev.tasklane.store.sqlite.WriterLulls.Load;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAL is copied into the database in the writer's lulls: the frames waiting are read from the
 * WAL index, and a quiet writer copies even a few, which SQLite alone would leave until 1,000.
 */
class WalCheckpointsTest {
  @TempDir Path dir;
  private Database db;

  @AfterEach
  void close() {
    if (db != null) db.close();
  }

  private void createAndFill(int rows) {
    db.write(tx -> {
      try (PreparedStatement ps = tx.connection().prepareStatement("CREATE TABLE t (v TEXT)")) {
        ps.execute();
      }
      return null;
    });
    for (int i = 0; i < rows; i++) {
      int v = i;
      db.write(tx -> {
        try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO t (v) VALUES (?)")) {
          ps.setString(1, "row " + v);
          ps.executeUpdate();
        }
        return null;
      });
    }
  }

  @Test
  void aQuietWriterCopiesTheFewFramesSqliteWouldLeaveInTheWal() {
    Path file = dir.resolve("c.db");
    db = SqliteDatabase.open(file);
    WalCheckpoints wal = new WalCheckpoints(file, WalCheckpoints.LULL_FRAMES);
    createAndFill(5);
    // Each write a frame or two, far below SQLite's threshold of 1,000: copied once the writer is quiet.
    await().atMost(Duration.ofSeconds(5)).until(() -> wal.waitingFrames() == 0);
    assertThat(wal.due(Load.QUIET)).isFalse();
  }

  @Test
  void framesWaitingAreReadFromTheWalIndexAndDuePastTheThreshold() throws Exception {
    Path file = dir.resolve("d.db");
    WalCheckpoints wal = new WalCheckpoints(file, 4);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      WalCheckpoints.setCeiling(c, 0); // SQLite copies nothing by itself here
      st.execute("CREATE TABLE t (v TEXT)");
      int afterCreate = wal.waitingFrames();
      assertThat(afterCreate).isPositive();
      assertThat(wal.due(Load.LIGHT)).isEqualTo(afterCreate >= 4);
      for (int i = 0; i < 5; i++) st.execute("INSERT INTO t (v) VALUES ('row')"); // a frame each at least
      assertThat(wal.waitingFrames()).isGreaterThanOrEqualTo(afterCreate + 5);
      assertThat(wal.due(Load.LIGHT)).isTrue();

      WalCheckpoints.checkpoint(c);
      assertThat(wal.waitingFrames()).isZero();
      assertThat(wal.due(Load.QUIET)).isFalse();
      st.execute("INSERT INTO t (v) VALUES ('row')");
      assertThat(wal.due(Load.QUIET)).isTrue(); // quiet: any frame is worth copying
    }
  }

  @Test
  void theCeilingIsSqlitesOwnThreshold() {
    Path file = dir.resolve("e.db");
    db = SqliteDatabase.open(file);
    long ceiling = db.write(tx -> {
      try (PreparedStatement ps = tx.connection().prepareStatement("PRAGMA wal_autocheckpoint");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
    assertThat(ceiling).isEqualTo(WalCheckpoints.CEILING_FRAMES);
  }
}
