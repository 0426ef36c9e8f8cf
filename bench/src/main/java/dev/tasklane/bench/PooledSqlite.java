package dev.tasklane.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import org.sqlite.SQLiteDataSource;

/**
 * A connection pool on a durable SQLite file, as a peer would run in production. Transactions begin
 * with {@code BEGIN IMMEDIATE}: SQLite cannot wait for a lock when a deferred transaction that has
 * read tries to write while another connection writes (it fails at once with SQLITE_BUSY), so the
 * write lock is taken up front, where the busy timeout applies.
 */
final class PooledSqlite {
  private PooledSqlite() {}

  static HikariDataSource open(Path file, int connections, String poolName) {
    HikariConfig config = new HikariConfig();
    SQLiteDataSource sqlite = SqliteFiles.durableDataSource(file);
    sqlite.setTransactionMode("IMMEDIATE");
    config.setDataSource(sqlite);
    config.setMaximumPoolSize(connections);
    config.setPoolName(poolName);
    return new HikariDataSource(config);
  }
}
