package dev.tasklane.store.sqlite;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * WAL checkpoints in the writer's lulls rather than inside whichever commit crosses SQLite's
 * threshold. A checkpoint copies the WAL's pages into the database and syncs it: a few milliseconds
 * during which the writer commits nothing, felt by every caller waiting then. Inside a burst of
 * many writers that is all of them; after a commit with few writers waiting, only those few. So
 * SQLite's own checkpoint ({@code wal_autocheckpoint}) is kept only as a ceiling, and the writer
 * checkpoints in a lull once {@link #LULL_FRAMES} frames wait to be copied (SQLite's default
 * threshold), or any when quiet.
 *
 * <p>How many frames wait is read from the WAL index (the {@code -shm} file SQLite maps into
 * memory; layout in https://www.sqlite.org/walformat.html): {@code mxFrame}, the last valid frame,
 * at byte 16 of the header, and {@code nBackfill}, the frames already copied, at byte 96, both in
 * native byte order. Read without SQLite's locks, they are an estimate, which is all a decision of
 * when to checkpoint needs; a missing or unreadable index only means no checkpoint in lulls.
 *
 * <p>The index is opened once and stays open until {@link #close}, which comes after SQLite's own
 * connections are closed. SQLite holds POSIX ({@code fcntl}) locks on the index, and closing any
 * descriptor of a file releases every such lock the process holds on it, SQLite's included. Without
 * its locks this process looks gone to another process opening the database (the {@code sqlite3}
 * shell, a backup tool), which then starts the index afresh and truncates it under SQLite's mapping
 * here: the next commit dies of SIGBUS. Opening a descriptor takes no lock and releases none, and a
 * {@link RandomAccessFile}, unlike a {@code FileChannel}, is not closed when its thread is interrupted.
 */
final class WalCheckpoints implements Closeable {
  /** Frames waiting to be copied worth a checkpoint in a light lull: SQLite's own default threshold. */
  static final int LULL_FRAMES = 1_000;
  /**
   * Frames at which SQLite checkpoints inside the commit anyway, lull or not (64 MiB of 4 KiB
   * pages): a burst of several tens of thousands of writes commits without one.
   */
  static final int CEILING_FRAMES = 16_384;

  private static final int MX_FRAME = 16;
  private static final int N_BACKFILL = 96;
  private static final int HEADER_BYTES = 136;

  private final Path index;
  private final int lullFrames;
  private final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.nativeOrder());
  private RandomAccessFile file;
  private boolean closed;

  WalCheckpoints(Path database, int lullFrames) {
    this.index = Path.of(database + "-shm");
    this.lullFrames = lullFrames;
  }

  /** Makes SQLite checkpoint by itself only at the ceiling. */
  static void setCeiling(Connection c, int frames) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA wal_autocheckpoint=" + frames);
    }
  }

  /** Frames written to the WAL and not yet copied into the database; 0 if the index cannot be read. */
  synchronized int waitingFrames() {
    if (!readHeader()) return 0;
    return Math.max(0, header.getInt(MX_FRAME) - header.getInt(N_BACKFILL));
  }

  /** Whether a writer in this lull should {@link #checkpoint}. */
  boolean due(WriterLulls.Load load) {
    int waiting = waitingFrames();
    return load == WriterLulls.Load.QUIET ? waiting > 0 : waiting >= lullFrames;
  }

  /** Copies what it can of the WAL into the database without waiting for readers; outside a transaction. */
  static void checkpoint(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA wal_checkpoint(PASSIVE)");
    }
  }

  private boolean readHeader() {
    if (closed) return false;
    try {
      if (file == null) file = new RandomAccessFile(index.toFile(), "r");
      file.seek(0);
      file.readFully(header.array());
      return true;
    } catch (IOException e) {
      return false; // not there yet (no write so far), or shorter than a header: try again next time
    }
  }

  /** Call only once SQLite's connections to the database are closed (see the class comment). */
  @Override
  public synchronized void close() throws IOException {
    closed = true;
    if (file != null) file.close();
  }
}
