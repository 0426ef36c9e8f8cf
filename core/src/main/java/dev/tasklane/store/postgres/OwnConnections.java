package dev.tasklane.store.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * A pooled connection a thread keeps for its own work with a setting of its own (the writer's lock
 * wait, the notifier's commits that do not wait for their flush), and gives back as it came: a
 * setting must not reach the pool's next user.
 */
final class OwnConnections {
  private OwnConnections() {}

  /** A connection from {@code pool} with {@code setting} set to {@code value} for its session. */
  static Connection take(DataSource pool, String setting, String value, boolean autoCommit) throws SQLException {
    Connection c = pool.getConnection();
    try (Statement st = c.createStatement()) {
      c.setAutoCommit(true); // a SET in a transaction would end with it
      st.execute("SET " + setting + " = " + value);
      c.setAutoCommit(autoCommit);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** Gives {@code c} back with {@code setting} reset; best effort, as it may be broken. */
  static void giveBack(Connection c, String setting) throws SQLException {
    try (c; Statement st = c.createStatement()) {
      if (!c.getAutoCommit()) {
        c.rollback();
        c.setAutoCommit(true);
      }
      st.execute("RESET " + setting);
    }
  }
}
