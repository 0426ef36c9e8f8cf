package dev.tasklane.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The benchmark's database files: each measurement gets a fresh file in one temporary folder, and
 * everything not Tasklane's own opens it with the same durability Tasklane uses (WAL,
 * synchronous=FULL).
 */
final class SqliteFiles implements AutoCloseable {
  private final Path folder;
  private final AtomicInteger counter = new AtomicInteger();

  SqliteFiles() throws IOException {
    folder = Files.createTempDirectory("tasklane-bench-");
  }

  Path folder() {
    return folder;
  }

  /** A new, not yet existing file named after its use. */
  Path fresh(String name) {
    return folder.resolve(counter.incrementAndGet() + "-" + name + ".db");
  }

  /** A data source on {@code file} with WAL, synchronous=FULL and a busy timeout for concurrent writers. */
  static SQLiteDataSource durableDataSource(Path file) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(30_000);
    SQLiteDataSource ds = new SQLiteDataSource(config);
    ds.setUrl("jdbc:sqlite:" + file);
    return ds;
  }

  /**
   * The same for the plain-JDBC baselines, without the driver's generated-keys lookup (a prepared
   * {@code SELECT last_insert_rowid()} after every INSERT), which Tasklane turns off too: the
   * baselines write rows the cheapest way the driver allows.
   */
  static SQLiteDataSource baselineDataSource(Path file) {
    SQLiteDataSource ds = durableDataSource(file);
    ds.getConfig().setGetGeneratedKeys(false);
    return ds;
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(SqliteFiles::deleteQuietly);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // A file still held open by a peer that did not shut down; the OS cleans the temp folder.
    }
  }
}
