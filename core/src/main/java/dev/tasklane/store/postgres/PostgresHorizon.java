package dev.tasklane.store.postgres;

import dev.tasklane.store.IdHorizon;
import dev.tasklane.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import javax.sql.DataSource;

/**
 * The settled horizon of one table's ids on PostgreSQL, where transactions take ids from a sequence
 * and commit in another order.
 *
 * <p>Why it is sound: every write transaction has a transaction id before it takes an id from a
 * sequence ({@link PostgresWriter} asks for it first). The horizon reads the sequence's last value
 * L, then, in the next statement, the transaction ids in progress in this database P (the
 * {@code backend_xid} of {@code pg_stat_activity}, read from the server's process array). An id at
 * or below L was taken before L was read, by a transaction whose id was assigned earlier still:
 * that transaction is in P, or it had ended when P was read (its rows are visible to any later
 * read, or rolled back for good). Once none of P is in progress any more, every id up to L is
 * final. Only transactions in flight when L was read hold it back, and each computation both
 * proposes a new L and settles earlier ones. (Not a snapshot's in-progress list: it leaves out
 * transactions newer than the newest one that ended, which may hold ids.)
 *
 * <p>Every write transaction in the database counts, not only Tasklane's: a long write transaction
 * of another program delays readers (never loses a row) until it ends.
 */
final class PostgresHorizon implements IdHorizon {
  /** Proposed horizons waiting for their transactions to end; more are not kept. */
  private static final int MAX_PENDING = 64;
  /** How long a reader waits, at most, for the transactions in flight when it asked. */
  static final Duration WAIT = Duration.ofMillis(250);
  /** The ids of the write transactions in progress in this database, as one array. */
  private static final String IN_PROGRESS = "SELECT ARRAY(SELECT CAST(CAST(backend_xid AS text) AS bigint)"
      + " FROM pg_stat_activity WHERE backend_xid IS NOT NULL"
      + " AND datid = (SELECT oid FROM pg_database WHERE datname = current_database()))";

  private record Pending(long last, long[] inProgress) {}

  private final DataSource pool;
  private final String table;
  private final Deque<Pending> pending = new ArrayDeque<>();
  private String sequence;
  private long settled;

  PostgresHorizon(DataSource pool, String table) {
    this.pool = pool;
    this.table = table;
  }

  /**
   * Waits, briefly, for the write transactions in flight now to end, so that a read after this
   * sees every commit made before the call; after {@link #WAIT} it settles for what is final.
   */
  @Override
  public long settled() {
    long deadline = System.nanoTime() + WAIT.toNanos();
    long target = refresh();
    long pause = 1;
    while (true) {
      long now;
      synchronized (this) {
        now = settled;
      }
      if (now >= target || System.nanoTime() > deadline) return now;
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return now;
      }
      pause = Math.min(pause * 2, 8);
      refresh();
    }
  }

  @Override
  public long settledNow() {
    refresh();
    synchronized (this) {
      return settled;
    }
  }

  /** Reads the sequence and the transactions in progress; returns the sequence's last value. */
  private synchronized long refresh() {
    try (Connection c = pool.getConnection()) {
      if (sequence == null) sequence = sequenceOf(c);
      long last;
      long[] inProgress;
      // One round trip, two statements: the sequence first, the transactions in progress after it.
      try (Statement st = c.createStatement()) {
        st.execute("SELECT last_value, is_called FROM " + sequence + "; " + IN_PROGRESS);
        try (ResultSet rs = st.getResultSet()) {
          rs.next();
          last = rs.getBoolean(2) ? rs.getLong(1) : rs.getLong(1) - 1;
        }
        st.getMoreResults();
        try (ResultSet rs = st.getResultSet()) {
          rs.next();
          inProgress = rs.getArray(1) == null ? new long[0]
              : Arrays.stream((Long[]) rs.getArray(1).getArray()).mapToLong(Long::longValue).sorted().toArray();
        }
      }
      advance(last, inProgress);
      return last;
    } catch (SQLException e) {
      throw new StoreException("reading how far " + table + " is committed failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void settledThrough(long id) {
    if (id > settled) settled = id;
    while (!pending.isEmpty() && pending.peekFirst().last() <= settled) pending.removeFirst();
  }

  /** Settles the proposals none of whose transactions is still in progress, then proposes {@code last}. */
  private void advance(long last, long[] inProgress) {
    long ended = settled;
    for (Pending p : pending) {
      if (noneOf(p.inProgress(), inProgress)) ended = Math.max(ended, p.last());
    }
    settledThrough(inProgress.length == 0 ? Math.max(ended, last) : ended);
    if (inProgress.length > 0 && last > settled && (pending.isEmpty() || last > pending.peekLast().last())
        && pending.size() < MAX_PENDING) {
      pending.addLast(new Pending(last, inProgress));
    }
  }

  /** True when no transaction of {@code waitedFor} is in {@code inProgress} (sorted). */
  private static boolean noneOf(long[] waitedFor, long[] inProgress) {
    for (long x : waitedFor) {
      if (Arrays.binarySearch(inProgress, x) >= 0) return false;
    }
    return true;
  }


  private String sequenceOf(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_get_serial_sequence(?, 'id')")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getString(1) == null) throw new SQLException("table " + table + " has no id sequence");
        return rs.getString(1);
      }
    }
  }
}
