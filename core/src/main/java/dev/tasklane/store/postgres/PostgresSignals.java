package dev.tasklane.store.postgres;

import dev.tasklane.store.Signals;
import dev.tasklane.store.StoreException;
import dev.tasklane.store.Tx;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code LISTEN/NOTIFY} on a connection of its own (outside the pool: it is held for good), read by
 * one thread. A signal arrives as soon as the server sends it; the thread wakes at least every
 * {@link #POLL} to take new channels, and checks the connection every {@link #CHECK} (a connection
 * cut without a reset would otherwise look like silence). A lost connection is opened again with
 * backoff, and its listeners are told they may have missed signals.
 */
final class PostgresSignals implements Signals, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PostgresSignals.class);
  private static final int POLL_MS = 50;
  static final Duration POLL = Duration.ofMillis(POLL_MS);
  private static final Duration CHECK = Duration.ofSeconds(5);
  private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RETRY_FIRST = Duration.ofMillis(100);
  private static final Duration RETRY_MAX = Duration.ofSeconds(5);

  private final PostgresOptions options;
  private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();
  /** Channels the current connection listens to: read by callers, written by the thread. */
  private final Set<String> listening = ConcurrentHashMap.newKeySet();
  private final Object changed = new Object();
  private volatile boolean closed;
  private Thread thread;

  PostgresSignals(PostgresOptions options) {
    this.options = options;
  }

  @Override
  public void send(Tx tx, String channel, String payload) throws SQLException {
    if (payload.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException("a signal's payload holds at most " + MAX_PAYLOAD_BYTES + " bytes");
    }
    // In a write transaction, after its commit (see PostgresWriter#sendSignals).
    if (tx instanceof PostgresWriter.WriteTx write) write.signalAfterCommit(channel, payload);
    else notify(tx.connection(), channel, payload);
  }

  static void notify(Connection c, String channel, String payload) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      ps.setString(1, channel);
      ps.setString(2, payload);
      ps.executeQuery().close();
    }
  }

  @Override
  public AutoCloseable listen(String channel, Listener listener) {
    if (!channel.matches("[a-z_][a-z0-9_]*")) throw new IllegalArgumentException("not a channel name: " + channel);
    listeners.computeIfAbsent(channel, k -> new CopyOnWriteArrayList<>()).add(listener);
    start();
    awaitListening(channel);
    return () -> listeners.computeIfPresent(channel, (k, list) -> {
      list.remove(listener);
      return list; // the channel stays listened to: cheap, and a later listener needs it again
    });
  }

  private synchronized void start() {
    if (thread != null || closed) return;
    thread = Thread.ofPlatform().name("tasklane-postgres-signals").daemon(true).start(this::loop);
  }

  private void awaitListening(String channel) {
    long deadline = System.nanoTime() + LISTEN_TIMEOUT.toNanos();
    synchronized (changed) {
      while (!listening.contains(channel)) {
        long left = deadline - System.nanoTime();
        if (closed || left <= 0) {
          throw new StoreException("could not listen to " + channel + " on " + options, null);
        }
        try {
          changed.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StoreException("interrupted while starting to listen to " + channel, e);
        }
      }
    }
  }

  private void loop() {
    Connection connection = null;
    boolean connectedBefore = false;
    Duration pause = RETRY_FIRST;
    long checkedAt = System.nanoTime();
    while (!closed) {
      try {
        if (connection == null) {
          connection = connect();
          if (connectedBefore) log.info("listening to PostgreSQL again");
          listenToAll(connection);
          if (connectedBefore) tellReconnected();
          connectedBefore = true;
          pause = RETRY_FIRST;
        }
        listenToAll(connection);
        PGNotification[] got = connection.unwrap(PGConnection.class).getNotifications(POLL_MS);
        if (got != null) for (PGNotification n : got) deliver(n.getName(), n.getParameter());
        if (System.nanoTime() - checkedAt > CHECK.toNanos()) {
          try (Statement st = connection.createStatement()) {
            st.execute("SELECT 1");
          }
          checkedAt = System.nanoTime();
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) break;
        log.warn("the PostgreSQL listener connection failed; opening it again in {}: {}", pause, e.getMessage());
        close(connection);
        connection = null;
        listening.clear();
        sleep(pause);
        pause = pause.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : pause.multipliedBy(2);
      }
    }
    close(connection);
  }

  private Connection connect() throws SQLException {
    return connect(options, "tasklane-signals", new Properties());
  }

  /** A connection of its own, outside the pool, held for good: {@code extra} adds driver properties. */
  static Connection connect(PostgresOptions options, String application, Properties extra) throws SQLException {
    Properties p = new Properties();
    if (options.user() != null) p.setProperty("user", options.user());
    if (options.password() != null) p.setProperty("password", options.password());
    p.setProperty("ApplicationName", application);
    p.setProperty("tcpKeepAlive", "true");
    p.putAll(extra);
    Connection c = DriverManager.getConnection(options.jdbcUrl(), p);
    c.setAutoCommit(true);
    return c;
  }

  private void listenToAll(Connection c) throws SQLException {
    Set<String> missing = new HashSet<>(listeners.keySet());
    missing.removeAll(listening);
    if (missing.isEmpty()) return;
    try (Statement st = c.createStatement()) {
      for (String channel : missing) st.execute("LISTEN " + channel); // names checked in listen()
    }
    synchronized (changed) {
      listening.addAll(missing);
      changed.notifyAll();
    }
  }

  private void deliver(String channel, String payload) {
    for (Listener l : listeners.getOrDefault(channel, List.of())) {
      try {
        l.signal(payload);
      } catch (RuntimeException e) {
        log.error("a listener of {} failed on {}", channel, payload, e);
      }
    }
  }

  private void tellReconnected() {
    listeners.values().forEach(list -> list.forEach(l -> {
      try {
        l.reconnected();
      } catch (RuntimeException e) {
        log.error("a listener failed after the listener connection came back", e);
      }
    }));
  }

  private static void close(Connection c) {
    if (c == null) return;
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("closing the listener connection", e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    synchronized (changed) {
      changed.notifyAll();
    }
    if (t != null) {
      try {
        t.join(Duration.ofSeconds(2).plus(POLL));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
