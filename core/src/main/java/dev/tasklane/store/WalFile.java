package dev.tasklane.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The write-ahead log beside a SQLite database, synced from outside SQLite: {@code fdatasync} on
 * any descriptor of a file flushes all of its written pages, the ones SQLite wrote through its own
 * descriptor included. SQLite keeps the same WAL file (it reuses it from the start after a
 * checkpoint, and deletes it only when the last connection closes), so one channel serves the
 * database's whole life.
 */
final class WalFile implements CommitAcknowledger.Log {
  private final Path path;
  private volatile FileChannel channel;

  WalFile(Path database) {
    this.path = Path.of(database + "-wal");
  }

  /** Called from one thread at a time (the acknowledger's, or the writer's when it is caught up). */
  @Override
  public void sync() throws IOException {
    if (channel == null) {
      try {
        channel = FileChannel.open(path, StandardOpenOption.WRITE);
      } catch (NoSuchFileException e) {
        return; // nothing was committed yet: SQLite creates the WAL with its first write
      }
    }
    channel.force(false);
  }

  @Override
  public void close() throws IOException {
    if (channel != null) channel.close();
  }
}
