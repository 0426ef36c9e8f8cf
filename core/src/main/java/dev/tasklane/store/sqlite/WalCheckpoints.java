package dev.tasklane.store.sqlite;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 */
final class WalCheckpoints {
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
  private MappedByteBuffer header;

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
  int waitingFrames() {
    MappedByteBuffer h = header();
    if (h == null) return 0;
    return Math.max(0, h.getInt(MX_FRAME) - h.getInt(N_BACKFILL));
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

  private MappedByteBuffer header() {
    if (header == null) {
      try (FileChannel ch = FileChannel.open(index, StandardOpenOption.READ)) {
        if (ch.size() < HEADER_BYTES) return null;
        header = ch.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_BYTES);
        header.order(ByteOrder.nativeOrder());
      } catch (IOException | UnsupportedOperationException e) {
        return null; // not there yet (no write so far), or not a file: try again next time
      }
    }
    return header;
  }
}
