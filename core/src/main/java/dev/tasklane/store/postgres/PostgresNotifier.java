package dev.tasklane.store.postgres;

import dev.tasklane.store.Signals;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the signals of committed batches ({@code NOTIFY}) on a thread and a connection of its own,
 * so that the writer goes on to its next batch instead of waiting for them: outside the batch's
 * transaction, since PostgreSQL commits the transactions that notify one at a time, through their
 * WAL flush, which would order every node's commits again. The signals that pile up while one send
 * runs go out together, with only the highest id of {@link Signals#EVENTS} (what its listeners read
 * up to). A signal is a hint: one lost with this process, or with a failed send, is made up for by
 * the listeners' own polling. Its commits do not wait for their WAL flush
 * ({@code synchronous_commit} off on this connection alone): a NOTIFY takes a transaction id, and
 * the listeners hear it at its commit either way.
 */
final class PostgresNotifier {
  private static final Logger log = LoggerFactory.getLogger(PostgresNotifier.class);
  private static final String[] STOP = new String[0];

  private final DataSource pool;
  private final Batches<String[]> queue = new Batches<>(STOP);
  private final Thread thread;
  private Connection connection;

  PostgresNotifier(DataSource pool) {
    this.pool = pool;
    this.thread = Thread.ofPlatform().name("tasklane-postgres-notifier").daemon(true).start(this::loop);
  }

  /** Queues the signals of a batch that committed: {channel, payload} pairs, sent in order. */
  void send(List<String[]> signals) {
    queue.addAll(signals);
  }

  /** Sends what is queued, then stops. */
  void close() {
    queue.stop(thread);
  }

  private void loop() {
    List<String[]> waiting = new ArrayList<>();
    while (true) {
      boolean stop = queue.takeInto(waiting, Integer.MAX_VALUE);
      sendNow(coalesced(waiting));
      waiting.clear();
      if (stop) {
        closeConnection();
        return;
      }
    }
  }

  /**
   * {@code signals} in order, without repeats, and with only the last of {@link Signals#EVENTS} (its
   * ids only grow: each batch's is the highest event id it wrote).
   */
  static List<String[]> coalesced(List<String[]> signals) {
    Set<List<String>> seen = new LinkedHashSet<>();
    long events = -1;
    for (String[] s : signals) {
      if (Signals.EVENTS.equals(s[0])) events = Math.max(events, Long.parseLong(s[1]));
      else seen.add(List.of(s[0], s[1]));
    }
    List<String[]> out = new ArrayList<>(seen.size() + 1);
    for (List<String> s : seen) out.add(new String[] {s.get(0), s.get(1)});
    if (events >= 0) out.add(new String[] {Signals.EVENTS, Long.toString(events)});
    return out;
  }

  private void sendNow(List<String[]> signals) {
    if (signals.isEmpty()) return;
    try {
      Connection c = connection();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT pg_notify(s.channel, s.payload) FROM unnest(?, ?) AS s(channel, payload)")) {
        ps.setArray(1, c.createArrayOf("text", signals.stream().map(x -> x[0]).toArray()));
        ps.setArray(2, c.createArrayOf("text", signals.stream().map(x -> x[1]).toArray()));
        ps.executeQuery().close();
      }
    } catch (SQLException e) {
      log.warn("sending {} signals failed; the other nodes find the change by polling", signals.size(), e);
      closeConnection();
    }
  }

  private Connection connection() throws SQLException {
    if (connection == null) connection = OwnConnections.take(pool, "synchronous_commit", "off", true);
    return connection;
  }

  private void closeConnection() {
    if (connection == null) return;
    try {
      OwnConnections.giveBack(connection, "synchronous_commit");
    } catch (SQLException e) {
      log.debug("closing the notifier's connection", e);
    }
    connection = null;
  }
}
