package dev.tasklane.store;

import java.io.PrintWriter;
import java.sql.Connection;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Flyway migrations, one history table per module so modules version their schemas on their own. */
public final class Migrations {
  private Migrations() {}

  /** Applies the migrations at {@code classpath:<location>} over the one connection given (SQLite's writer). */
  public static void apply(Connection connection, String name, String location) {
    apply(new SingleConnectionDataSource(connection), name, location);
  }

  /** Applies the migrations at {@code classpath:<location>}, recorded in {@code <name>_schema_history}. */
  public static void apply(DataSource dataSource, String name, String location) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:" + location)
        .table(name + "_schema_history")
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }

  /** Hands Flyway the one connection it may use (on SQLite: the writer's). */
  private record SingleConnectionDataSource(Connection connection) implements DataSource {
    @Override
    public Connection getConnection() {
      return connection;
    }

    @Override
    public Connection getConnection(String user, String password) {
      return connection;
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
