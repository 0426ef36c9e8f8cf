package dev.tasklane.store.sqlite;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.sqlite.SQLiteConfig;
import org.sqlite.jdbc4.JDBC4Connection;

/**
 * A SQLite connection used by one thread at a time whose {@code prepareStatement(sql)} reuses an
 * earlier statement for the same SQL: "closing" it only returns it to the cache
 * ({@link ReusableStatement}). The SQLite driver has no statement cache of its own, and preparing
 * costs several times more than running the small statements the engine issues (measured: ~17 µs
 * prepare-and-run against ~3 µs run).
 *
 * <p>The driver's own connection class, not a wrapper: a dynamic proxy cost a reflective call for
 * every statement, commit and lookup, several per submit on the writer.
 */
final class CachingConnection extends JDBC4Connection {
  private final Map<String, ArrayDeque<ReusableStatement>> idle = new HashMap<>();

  private CachingConnection(String url, String file, SQLiteConfig config) throws SQLException {
    super(url, file, config.toProperties());
  }

  /** Opens the SQLite database {@code file} with {@code config}. */
  static CachingConnection open(Path file, SQLiteConfig config) throws SQLException {
    String path = file.toAbsolutePath().toString();
    return new CachingConnection("jdbc:sqlite:" + path, path, config);
  }

  @Override
  public PreparedStatement prepareStatement(String sql) throws SQLException {
    ArrayDeque<ReusableStatement> free = idle.computeIfAbsent(sql, k -> new ArrayDeque<>());
    return free.isEmpty() ? new ReusableStatement(this, sql, free) : free.pop().reuse();
  }

  @Override
  public void close() throws SQLException {
    for (ArrayDeque<ReusableStatement> statements : idle.values()) {
      for (ReusableStatement s : statements) s.discard();
    }
    idle.clear();
    super.close();
  }
}
