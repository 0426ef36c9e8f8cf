package dev.tasklane.store.postgres;

import dev.tasklane.store.Duty;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One duty among the processes sharing a database, held as a session advisory lock on a connection
 * of its own: the process whose connection holds the lock does the duty. The lock goes with the
 * connection, so when the holder dies its connection closes, PostgreSQL releases the lock, and the
 * next process to try (each tries every {@link #TRY_EVERY}) takes it over.
 *
 * <p>The holder checks its connection every {@link #TRY_EVERY}, and a check gets no answer for at
 * most {@link #CHECK_TIMEOUT}: when its database is out of reach, it stops the duty then. The
 * server, told to probe the connection with TCP keepalives ({@code tcp_keepalives_*}, about ten
 * seconds), drops the lock of a holder cut off from it at about the same time; in between, at worst
 * two processes do the duty for a few seconds (Telegram itself refuses the second poller then).
 */
final class PostgresElection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PostgresElection.class);
  static final Duration TRY_EVERY = Duration.ofSeconds(1);
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);

  private final PostgresOptions options;
  private final String name;
  private final Duty duty;
  private final Thread thread;
  private volatile boolean closed;
  private boolean holding;

  private PostgresElection(PostgresOptions options, String name, Duty duty) {
    this.options = options;
    this.name = name;
    this.duty = duty;
    this.thread = Thread.ofPlatform().name("tasklane-election-" + name).daemon(true).unstarted(this::run);
  }

  static PostgresElection start(PostgresOptions options, String name, Duty duty) {
    PostgresElection e = new PostgresElection(options, name, duty);
    e.thread.start();
    return e;
  }

  private void run() {
    Connection connection = null;
    while (!closed) {
      try {
        if (connection == null) connection = connect();
        if (holding) check(connection);
        else if (tryLock(connection)) take();
      } catch (SQLException | RuntimeException e) {
        if (closed) break;
        if (holding) log.warn("lost the connection that holds {}; stopping it here: {}", name, e.getMessage());
        else log.debug("electing {} failed", name, e);
        release();
        close(connection);
        connection = null;
      }
      sleep(TRY_EVERY);
    }
    release();
    close(connection); // releases the lock for the next process
  }

  private Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("socketTimeout", Long.toString(CHECK_TIMEOUT.toSeconds()));
    Connection c = PostgresSignals.connect(options, "tasklane-election", p);
    try (Statement st = c.createStatement()) {
      st.execute("SET tcp_keepalives_idle = 5");
      st.execute("SET tcp_keepalives_interval = 2");
      st.execute("SET tcp_keepalives_count = 3");
    }
    return c;
  }

  /** The lock's key: the name within this database's schema, so that two clusters in one database do not share it. */
  private boolean tryLock(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT pg_try_advisory_lock(hashtextextended(current_schema() || '/' || ?, 0))")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  private static void check(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SELECT 1");
    }
  }

  private void take() {
    holding = true;
    log.info("this node now does {}", name);
    try {
      duty.start();
    } catch (RuntimeException e) {
      log.error("starting {} failed", name, e);
    }
  }

  private void release() {
    if (!holding) return;
    holding = false;
    try {
      duty.stop();
    } catch (RuntimeException e) {
      log.error("stopping {} failed", name, e);
    }
  }

  private static void close(Connection c) {
    if (c == null) return;
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("closing the election connection", e);
    }
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      if (!closed) Thread.currentThread().interrupt();
    }
  }

  /** Gives the duty up here (stopping it if it ran) and lets another process take it. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
