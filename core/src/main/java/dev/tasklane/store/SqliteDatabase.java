package dev.tasklane.store;

import java.nio.file.Path;

/** SQLite: one writer thread with group commit, a small pool of readers, WAL mode. */
public final class SqliteDatabase {
  private SqliteDatabase() {}

  /** Opens (creating if needed) the SQLite file with the default options (synchronous=FULL). */
  public static Database open(Path file) {
    return open(file, SqliteOptions.defaults());
  }

  public static Database open(Path file, SqliteOptions options) {
    throw new UnsupportedOperationException("not yet");
  }
}
