package dev.tasklane.store.sqlite;

import dev.tasklane.store.Database;
import dev.tasklane.store.Dialect;
import dev.tasklane.store.Migrations;
import dev.tasklane.store.Rows;
import dev.tasklane.store.SqlWork;
import dev.tasklane.store.StoreException;
import dev.tasklane.store.Tx;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * SQLite: one writer thread owning the only write connection, committing whatever units of work
 * are waiting as one transaction (group commit); a small pool of read-only connections; WAL mode.
 *
 * <p>Why one writer: several pooled connections writing to one SQLite file contend on its lock and
 * fail with {@code SQLITE_BUSY} under load. One writer never contends, and batching many small
 * writes into one commit pays one fsync for all of them.
 *
 * <p>A lock file beside the database keeps a second process from opening the same file, so tasks
 * found {@code running} at start are known to be orphans of a crashed process.
 */
public final class SqliteDatabase implements Database {
  private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);

  private final Path file;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final SqliteDialect dialect;
  private final GroupCommitWriter writer;
  private final WalCheckpoints checkpoints;
  private final BlockingQueue<Connection> readers;
  private volatile boolean closed;

  private SqliteDatabase(Path file, SqliteOptions options, SessionTasks sessions) throws IOException, SQLException {
    this.file = file;
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    this.lockChannel = FileChannel.open(Path.of(file + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    this.lock = tryLock(lockChannel, file);
    CachingConnection writeConnection = connect(file);
    try (Statement st = writeConnection.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      // With FULL, a commit syncs the WAL before SQLite makes it visible to readers: nobody, not its
      // caller, not a reader, not a worker, sees a write that is not on disk.
      st.execute("PRAGMA synchronous=" + options.synchronous());
      // Each unit of work runs in a savepoint; keep its undo journal in memory, not in a temp file.
      st.execute("PRAGMA temp_store=MEMORY");
      st.execute("PRAGMA cache_size=-65536");
    }
    WalCheckpoints.setCeiling(writeConnection, WalCheckpoints.CEILING_FRAMES);
    this.dialect = new SqliteDialect(sessions);
    this.writer = new GroupCommitWriter(writeConnection, dialect, options.maxBatch(), "tasklane-sqlite-writer");
    writer.whenIdle(sessions);
    this.checkpoints = new WalCheckpoints(file, WalCheckpoints.LULL_FRAMES);
    writer.whenIdleOutsideTransactions(checkpoints::due, WalCheckpoints::checkpoint);
    this.readers = new ArrayBlockingQueue<>(options.readers());
    for (int i = 0; i < options.readers(); i++) {
      CachingConnection c = connect(file);
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA query_only=1");
      }
      readers.add(c);
    }
  }

  /** Opens (creating if needed) the SQLite file with the default options (synchronous=FULL). */
  public static Database open(Path file) {
    return open(file, SqliteOptions.defaults());
  }

  public static Database open(Path file, SqliteOptions options) {
    return open(file, options, new SessionTasks());
  }

  /** With other limits for moving recent session rows (tests: the limits at their edges). */
  static Database open(Path file, SqliteOptions options, SessionTasks sessions) {
    try {
      return new SqliteDatabase(file, options, sessions);
    } catch (IOException | SQLException e) {
      throw new StoreException("cannot open SQLite database " + file + ": " + e.getMessage(), e);
    }
  }

  private static FileLock tryLock(FileChannel channel, Path file) throws IOException {
    FileLock l;
    try {
      l = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      channel.close();
      throw new StoreException("another Tasklane process is using " + file + " (one process per SQLite file)", null);
    }
    return l;
  }

  private static CachingConnection connect(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    // Otherwise the driver runs "SELECT last_insert_rowid()" after every INSERT, in case it is asked
    // for generated keys: a prepare, a step and a finalize each time. The engine never asks.
    config.setGetGeneratedKeys(false);
    CachingConnection c = CachingConnection.open(file, config);
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout=10000");
      st.execute("PRAGMA foreign_keys=ON");
    }
    return c;
  }

  @Override
  public Dialect dialect() {
    return dialect;
  }

  @Override
  public <T> T write(SqlWork<T> work) {
    checkOpen();
    return writer.submit(work);
  }

  @Override
  public <T> CompletableFuture<T> writeAsync(SqlWork<T> work) {
    checkOpen();
    return writer.submitAsync(work);
  }

  @Override
  public boolean rehearse(SqlWork<?> work) {
    checkOpen();
    writer.rehearse(work);
    return true;
  }

  @Override
  public <T> T read(SqlWork<T> work) {
    checkOpen();
    Connection c;
    try {
      c = readers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for a read connection", e);
    }
    try {
      return work.run(new ReadTx(c, dialect));
    } catch (SQLException e) {
      throw new StoreException("read failed: " + e.getMessage(), e);
    } finally {
      readers.add(c);
    }
  }

  @Override
  public void migrate(String name, String location) {
    checkOpen();
    writer.exclusive(connection -> Migrations.apply(connection, name, location + "/" + dialect.name()));
  }

  private void checkOpen() {
    if (closed) throw new StoreException("database " + file + " is closed", null);
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    writer.close();
    for (Connection c : readers) {
      try {
        c.close();
      } catch (SQLException e) {
        log.debug("closing a reader", e);
      }
    }
    try {
      checkpoints.close(); // only now that SQLite's connections are closed: see WalCheckpoints
    } catch (IOException e) {
      log.debug("closing the WAL index", e);
    }
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      log.debug("releasing the lock file", e);
    }
  }

  private record ReadTx(Connection connection, Dialect dialect) implements Tx {
    @Override
    public void afterCommit(Runnable action) {
      action.run();
    }

    @Override
    public Rows rows() {
      throw new IllegalStateException("a read transaction inserts no rows");
    }
  }
}
