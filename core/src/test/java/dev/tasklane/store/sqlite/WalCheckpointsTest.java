package dev.tasklane.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tasklane.store.Database;
import dev.tasklane.store.sqlite.WriterLulls.Load;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAL is copied into the database in the writer's lulls: the frames waiting are read from the
 * WAL index, and a quiet writer copies even a few, which SQLite alone would leave until 1,000.
 * Reading the index leaves SQLite's locks on it in place.
 */
class WalCheckpointsTest {
  private static final Path PROC_LOCKS = Path.of("/proc/locks");

  @TempDir Path dir;
  private Database db;
  private WalCheckpoints wal;

  @AfterEach
  void close() throws IOException {
    if (db != null) db.close();
    if (wal != null) wal.close(); // after SQLite's connections, as the database closes its own
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
    wal = new WalCheckpoints(file, WalCheckpoints.LULL_FRAMES);
    createAndFill(5);
    // Each write a frame or two, far below SQLite's threshold of 1,000: copied once the writer is quiet.
    await().atMost(Duration.ofSeconds(5)).until(() -> wal.waitingFrames() == 0);
    assertThat(wal.due(Load.QUIET)).isFalse();
  }

  @Test
  void framesWaitingAreReadFromTheWalIndexAndDuePastTheThreshold() throws Exception {
    Path file = dir.resolve("d.db");
    try (WalCheckpoints wal = new WalCheckpoints(file, 4); Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
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

  /**
   * Closing any descriptor of a file drops every POSIX lock the process holds on it. Were the index
   * opened and closed to be read, SQLite's shared lock that marks it in use would go with it, and
   * the next process to open the database (the {@code sqlite3} shell) would start the index afresh
   * under this process's feet.
   */
  @Test
  void readingTheWalIndexLeavesSqlitesLocksOnItInPlace() throws Exception {
    assumeTrue(Files.isReadable(PROC_LOCKS), "lists the process's locks from Linux's /proc/locks");
    Path file = dir.resolve("f.db");
    db = SqliteDatabase.open(file);
    Path index = Path.of(file + "-shm");
    createAndFill(5);
    wal = new WalCheckpoints(file, WalCheckpoints.LULL_FRAMES);
    // The database read the index in its lulls, and copied the frames once quiet; so did this reader.
    await().atMost(Duration.ofSeconds(5)).until(() -> wal.waitingFrames() == 0);

    // SQLite's shared lock on the index (its "in use" mark) is held as long as the database is open.
    assertThat(locksHeldOn(index)).as("this process's locks on the WAL index").isNotEmpty();
  }

  /** This process's POSIX locks on the file, as lines of {@code /proc/locks}. */
  private static List<String> locksHeldOn(Path file) throws IOException {
    String pid = Long.toString(ProcessHandle.current().pid());
    String inode = ":" + Files.getAttribute(file, "unix:ino");
    // "1: POSIX  ADVISORY  READ 4242 08:01:1234 128 128"; a waiter's line has "->" after the number
    return Files.readAllLines(PROC_LOCKS).stream().map(l -> l.trim().split("\\s+"))
        .filter(f -> f.length >= 6 && f[1].equals("POSIX") && f[4].equals(pid) && f[5].endsWith(inode))
        .map(f -> String.join(" ", f)).toList();
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
