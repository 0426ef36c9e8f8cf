package dev.tasklane.store.sqlite;

import java.util.Locale;

/**
 * SQLite settings.
 *
 * @param synchronous {@code FULL} (default: a commit survives power loss), or {@code NORMAL} (faster;
 *     a commit survives a process crash but not a power loss)
 * @param readers size of the read connection pool (default 4)
 * @param maxBatch most units of work committed in one transaction (default 512)
 */
public record SqliteOptions(String synchronous, int readers, int maxBatch) {
  public SqliteOptions {
    synchronous = synchronous.toUpperCase(Locale.ROOT);
    if (!synchronous.equals("FULL") && !synchronous.equals("NORMAL") && !synchronous.equals("EXTRA")) {
      throw new IllegalArgumentException("synchronous must be FULL, NORMAL or EXTRA: " + synchronous);
    }
    if (readers < 1) throw new IllegalArgumentException("readers must be at least 1");
    if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be at least 1");
  }

  public static SqliteOptions defaults() {
    return new SqliteOptions("FULL", 4, 512);
  }

  public SqliteOptions withSynchronous(String s) {
    return new SqliteOptions(s, readers, maxBatch);
  }
}
