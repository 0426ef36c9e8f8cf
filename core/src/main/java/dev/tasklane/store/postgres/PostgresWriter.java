package dev.tasklane.store.postgres;

import dev.tasklane.store.Database;
import dev.tasklane.store.Dialect;
import dev.tasklane.store.Rows;
import dev.tasklane.store.Signals;
import dev.tasklane.store.SqlWork;
import dev.tasklane.store.StoreException;
import dev.tasklane.store.Tx;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's writes to PostgreSQL: one thread commits the units of work waiting at that moment
 * as one transaction, each in its own savepoint when one of them fails, and runs their after-commit
 * actions in commit order. One commit (one WAL flush) for many submits, claims and completions.
 * Other processes write beside it; what must hold across them (limits, uniqueness) is held by the
 * database's locks and constraints, not by this thread. Their commits and this one's go side by
 * side, in any order: readers of ids stop at a {@link PostgresHorizon}. A batch's signals go out
 * after its commit, through a {@link PostgresNotifier}. When this transaction and another
 * deadlock, or the database cannot serialize them, or a lock it waits for stays taken longer than
 * {@link #LOCK_WAIT_IN_A_BATCH}, its units run again (every unit may), each in a transaction of its
 * own, a few times, before a caller is told its write failed.
 *
 * <p>A failure before the commit undoes the batch: its callers are told it failed. A failure of the
 * commit itself (the connection broke while committing) leaves the outcome unknown, and the callers
 * are told so. Either way the writer goes on with a fresh connection.
 */
final class PostgresWriter {
  private static final Logger log = LoggerFactory.getLogger(PostgresWriter.class);

  private record Unit(SqlWork<?> work, CompletableFuture<Object> done) {}

  private static final Unit STOP = new Unit(tx -> null, new CompletableFuture<>());
  /** How many times a batch runs when it keeps colliding with other transactions. */
  private static final int MAX_ATTEMPTS = 5;
  /**
   * How long a batch waits for a lock another transaction holds before it gives up and its units
   * run again one by one ({@link #lockWait}). Batches of several nodes lock the sessions'
   * pending counts each in its own order, so two of them can deadlock, which the server finds only
   * after its {@code deadlock_timeout} (1 s by default, settable only by a superuser); another
   * batch's commit normally takes milliseconds.
   */
  static final Duration LOCK_WAIT_IN_A_BATCH = Duration.ofMillis(100);

  private final DataSource pool;
  private final Dialect dialect;
  private final int maxBatch;
  private final Batches<Unit> queue = new Batches<>(STOP);
  private final AtomicLong retries = new AtomicLong();
  private final Thread thread;
  private final PostgresNotifier notifier;
  private Connection connection;
  /** Set when a unit that joined a running batch was {@link #STOP}: the loop ends after that batch. */
  private boolean stopAfterBatch;

  PostgresWriter(DataSource pool, Dialect dialect, int maxBatch) {
    this.pool = pool;
    this.dialect = dialect;
    this.maxBatch = maxBatch;
    this.notifier = new PostgresNotifier(pool);
    this.thread = Thread.ofPlatform().name("tasklane-postgres-writer").daemon(true).start(this::loop);
  }

  @SuppressWarnings("unchecked")
  <T> CompletableFuture<T> submitAsync(SqlWork<T> work) {
    if (Thread.currentThread() == thread) throw new IllegalStateException("nested write on the writer thread");
    CompletableFuture<Object> done = new CompletableFuture<>();
    queue.add(new Unit(work, done));
    return (CompletableFuture<T>) (CompletableFuture<?>) done;
  }

  /** Waits for the write ({@link Database#await}). */
  <T> T submit(SqlWork<T> work) {
    return Database.await(submitAsync(work));
  }

  void close() {
    queue.stop(thread);
  }

  private void loop() {
    List<Unit> batch = new ArrayList<>();
    while (true) {
      batch.clear();
      boolean stop = queue.takeInto(batch, maxBatch);
      if (!batch.isEmpty()) commitAll(new ArrayList<>(batch), true, false);
      if (stop || stopAfterBatch) {
        closeConnection();
        notifier.close();
        return;
      }
    }
  }

  /**
   * Commits {@code units} as one transaction. With {@code join}, units that arrive while the batch
   * runs join it before its commit (up to the batch's size): a claim woken by a submit then shares
   * the submit's commit instead of waiting for a commit of its own. {@code again} for a unit that
   * runs again on its own after its batch collided ({@link #lockWait}).
   */
  private void commitAll(List<Unit> units, boolean join, boolean again) {
    Object[] results = new Object[maxBatch];
    Throwable[] failures = new Throwable[maxBatch];
    List<Runnable> afterCommit = new ArrayList<>();
    List<String[]> signals = new ArrayList<>();
    for (int attempt = 1; ; attempt++) {
      try {
        Connection c = connection();
        String lockWait = lockWait(attempt, again);
        PostgresRows rows = runAll(c, units, results, failures, afterCommit, signals, join, false, lockWait);
        if (rows == null) {
          c.rollback();
          rows = runAll(c, units, results, failures, afterCommit, signals, false, true, lockWait);
        }
        // The other nodes hear of the events after the commit, and read them from the table.
        if (rows.lastEventId() > 0) signals.add(new String[] {Signals.EVENTS, Long.toString(rows.lastEventId())});
        break;
      } catch (SQLException | RuntimeException e) {
        if (collided(e) && units.size() > 1) {
          // Units lock rows in the order they came, another batch in its own: each unit runs again
          // in a transaction of its own, where one that locks a single row cannot deadlock again.
          retries.incrementAndGet();
          log.debug("a batch of {} writes collided with another transaction; running them one by one",
              units.size(), e);
          rollbackQuietly();
          for (Unit unit : units) commitAll(List.of(unit), false, true);
          return;
        }
        if (collided(e) && attempt < MAX_ATTEMPTS) {
          // A lone unit lost to another transaction (locks taken in the other order, or what it read
          // changed): it may run again, so it does, a few times, and is not told it failed.
          retries.incrementAndGet();
          log.debug("a batch of {} writes collided with another transaction; running it again", units.size(), e);
          rollbackQuietly();
          continue;
        }
        log.error("a batch of {} writes failed before its commit; none of them is stored", units.size(), e);
        discardConnection();
        fail(units, new StoreException("write failed: " + e.getMessage(), e));
        return;
      }
    }
    try {
      connection.commit();
    } catch (SQLException e) {
      log.error("committing {} writes failed: their outcome is unknown", units.size(), e);
      discardConnection();
      fail(units, new StoreException("the database failed while committing this write; it may or may not be stored: "
          + e.getMessage(), e, true));
      return;
    }
    notifier.send(signals);
    for (Runnable action : afterCommit) {
      try {
        action.run();
      } catch (RuntimeException e) {
        log.error("after-commit action failed", e);
      }
    }
    for (int i = 0; i < units.size(); i++) {
      if (failures[i] != null) units.get(i).done().completeExceptionally(failures[i]);
      else units.get(i).done().complete(results[i]);
    }
  }

  /**
   * A deadlock, a serialization failure, or a lock waited for too long in a batch: the transaction
   * lost to another, and may run again.
   */
  static boolean collided(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && ("40P01".equals(s.getSQLState()) || "40001".equals(s.getSQLState())
          || "55P03".equals(s.getSQLState()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * How long a lock may be waited for in this attempt, in milliseconds, or null for the connection's
   * {@link #LOCK_WAIT_IN_A_BATCH}. A unit that runs again waits a little longer, by a random amount:
   * two transactions that gave way to each other at the same moment would otherwise take the same
   * locks in the same order again, and give way again together; this way one waits out the other.
   * Its last attempt waits as long as it takes ({@code 0}): a lock held long by a slow transaction
   * is not a collision, and the server still breaks a true deadlock.
   */
  static String lockWait(int attempt, boolean again) {
    if (attempt == 1 && !again) return null;
    if (attempt >= MAX_ATTEMPTS) return "0";
    long base = LOCK_WAIT_IN_A_BATCH.toMillis();
    return Long.toString(base + ThreadLocalRandom.current().nextLong(base + 1));
  }

  /** Batches run again after a collision with another transaction, since this writer started. */
  long retries() {
    return retries.get();
  }

  /**
   * Runs every unit in one transaction. Without savepoints, stops at the first failure and returns
   * null (the transaction is then aborted); with them, undoes a failing unit alone. With
   * {@code join}, units waiting in the queue join the batch ({@link #joinWaiting}). Returns the
   * transaction's rows.
   */
  private PostgresRows runAll(Connection c, List<Unit> units, Object[] results, Throwable[] failures,
      List<Runnable> afterCommit, List<String[]> signals, boolean join, boolean savepoints, String lockWait)
      throws SQLException {
    afterCommit.clear();
    signals.clear();
    if (lockWait != null) execute(c, "SET LOCAL lock_timeout = " + lockWait);
    PostgresRows.beginWrite(c);
    PostgresRows rows = new PostgresRows(c); // one per transaction: it knows the events it wrote
    for (int i = 0; i < units.size(); i++) {
      WriteTx tx = new WriteTx(c, new ArrayList<>(), new ArrayList<>(), rows, dialect);
      if (savepoints) execute(c, "SAVEPOINT unit");
      try {
        results[i] = units.get(i).work().run(tx);
        failures[i] = null;
        if (savepoints) execute(c, "RELEASE SAVEPOINT unit");
        afterCommit.addAll(tx.actions());
        signals.addAll(tx.signals());
      } catch (Exception | Error e) {
        if (collided(e)) throw e instanceof SQLException sql ? sql : new SQLException(e.getMessage(), e);
        if (!savepoints) return null;
        execute(c, "ROLLBACK TO SAVEPOINT unit");
        execute(c, "RELEASE SAVEPOINT unit");
        failures[i] = e instanceof SQLException ? new StoreException("write failed: " + e.getMessage(), e) : e;
      }
      if (join && i == units.size() - 1) joinWaiting(units);
    }
    return rows;
  }

  /** Adds the units that came while the batch ran, as long as it has room. */
  private void joinWaiting(List<Unit> units) {
    if (queue.joinInto(units, maxBatch - units.size())) stopAfterBatch = true;
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static void fail(List<Unit> units, Throwable cause) {
    for (Unit u : units) u.done().completeExceptionally(cause);
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      connection = OwnConnections.take(pool, "lock_timeout", Long.toString(LOCK_WAIT_IN_A_BATCH.toMillis()), false);
    }
    return connection;
  }

  /** After a failure the transaction is rolled back and the connection replaced: it may be broken. */
  private void discardConnection() {
    if (connection == null) return;
    try {
      connection.rollback();
    } catch (SQLException e) {
      log.debug("rolling back after a failure", e);
    }
    closeConnection();
  }

  private void closeConnection() {
    if (connection == null) return;
    try {
      OwnConnections.giveBack(connection, "lock_timeout");
    } catch (SQLException e) {
      log.debug("closing the writer connection", e);
    }
    connection = null;
  }

  private void rollbackQuietly() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      log.debug("rolling back a batch that collided", e);
      discardConnection();
    }
  }

  /** A unit's transaction: its after-commit actions and signals count only if the unit stays. */
  record WriteTx(Connection connection, List<Runnable> actions, List<String[]> signals, Rows rows, Dialect dialect)
      implements Tx {
    @Override
    public void afterCommit(Runnable action) {
      actions.add(action);
    }

    /** Sends {@code payload} on {@code channel} once the transaction committed. */
    void signalAfterCommit(String channel, String payload) {
      signals.add(new String[] {channel, payload});
    }
  }
}
