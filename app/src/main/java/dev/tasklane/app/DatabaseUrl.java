package dev.tasklane.app;

import dev.tasklane.store.Database;
import dev.tasklane.store.postgres.PostgresDatabase;
import dev.tasklane.store.postgres.PostgresOptions;
import dev.tasklane.store.sqlite.SqliteDatabase;
import java.nio.file.Path;

/**
 * Which database a command opens: {@code --database} / {@code TASKLANE_DATABASE_URL}, a
 * {@code postgresql://user:password@host:5432/db} URL, or, when absent, the SQLite file in the
 * data folder.
 */
final class DatabaseUrl {
  static final String SQLITE_FILE = "tasklane.db";

  private DatabaseUrl() {}

  static Database open(String url, Path dataDir) {
    if (url == null || url.isBlank()) return SqliteDatabase.open(dataDir.resolve(SQLITE_FILE));
    if (url.startsWith("postgresql://") || url.startsWith("postgres://") || url.startsWith("jdbc:postgresql:")) {
      return PostgresDatabase.open(PostgresOptions.fromUrl(url));
    }
    throw new IllegalArgumentException("--database takes a PostgreSQL URL (postgresql://user:password@host:5432/db);"
        + " leave it out for SQLite in the data folder");
  }

  /** What the banner and logs say about it: never the password. */
  static String describe(String url, Path dataDir) {
    if (url == null || url.isBlank()) return "SQLite " + dataDir.resolve(SQLITE_FILE);
    return "PostgreSQL " + PostgresOptions.fromUrl(url);
  }
}
