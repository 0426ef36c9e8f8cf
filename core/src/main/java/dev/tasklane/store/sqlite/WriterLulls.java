package dev.tasklane.store.sqlite;

import dev.tasklane.store.Tx;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.core.DB;

/**
 * The writer's housekeeping, done in its lulls, and given up the moment a crowd of writes arrives.
 *
 * <p>Housekeeping (moving session rows, copying the WAL into the database) stops the writer for a
 * few milliseconds, and every caller waiting then feels it: in a burst of many writers, all of
 * them. So it runs when few wait: after a commit that leaves fewer than {@link #LIGHT_LOAD}
 * writes waiting (counting the callers of the batch just committed, who are about to come back),
 * when no commit has left more for {@link #CALM_NANOS}, one turn of the first due work; and when
 * none has waited for a while, turn after turn as long as it is due and nothing waits. A burst can
 * still begin during a turn: a transactional turn gives up once {@link #LIGHT_LOAD} writes are
 * queued (SQLite calls a progress handler every {@link #PROGRESS_STEPS} steps of its statements,
 * and the handler's answer stops the statement; the turn's transaction is rolled back), or, if its
 * statements are done by then, it is rolled back instead of committed (the commit would write
 * every page the turn touched); and the writer serves the crowd. The turn's work is lost, done
 * again in a later lull; a job learns that its turn counted from its after-commit actions. A turn
 * outside transactions (a checkpoint) cannot be stopped that way; it is kept short instead.
 */
final class WriterLulls {
  private static final Logger log = LoggerFactory.getLogger(WriterLulls.class);

  /** How much the writer has to do when it offers housekeeping a turn. */
  enum Load {
    /** No write has been waiting for a while ({@link GroupCommitWriter#QUIET}). */
    QUIET,
    /** A batch was just committed and only a few writes wait: housekeeping now delays only them. */
    LIGHT
  }

  /** Housekeeping for the writer's lulls. */
  interface IdleWork {
    /** Whether a turn is due in a lull of this kind. */
    boolean due(Load load);

    /** One turn, in a write transaction of its own, sized for the lull: a few waiting writes wait for all of it. */
    void run(Tx tx, Load load) throws SQLException;
  }

  /** Fewer writes waiting than this is a light load: housekeeping delays only them. */
  static final int LIGHT_LOAD = 32;
  /** SQLite steps between two looks at the queue during a turn: microseconds apart. */
  static final int PROGRESS_STEPS = 1_000;
  /**
   * How long after the writer last had a crowd it still counts as busy: in a burst, the callers of
   * a big batch are all acknowledged at once and come back a few at a time, so the writer can
   * look nearly idle for a moment in the middle of it.
   */
  static final long CALM_NANOS = 20_000_000;

  /** A piece of housekeeping: whether it is due, and one turn of it. */
  private record Job(Predicate<Load> due, Turn turn) {}

  private interface Turn {
    /** Returns false if the turn gave way to a crowd before it could count. */
    boolean run(Load load) throws Exception;
  }

  private final Connection connection;
  private final InsertBuffer inserts;
  private final DB sqlite;
  private final Function<List<Runnable>, Tx> newTx;
  private final IntSupplier queued;
  /** Reads the time in nanoseconds ({@code System::nanoTime}; tests: a clock they move). */
  private final LongSupplier nanoTime;
  private final List<Job> jobs = new CopyOnWriteArrayList<>();
  /** The job a light lull looks at first: they take turns, so one always due cannot starve another. */
  private int next;
  /** Stops a transactional turn's statement once a crowd is queued. */
  private final ProgressHandler giveWay = new ProgressHandler() {
    @Override
    protected int progress() {
      return crowded() ? 1 : 0;
    }
  };
  /** Writes in the last batch of callers' writes: callers about to come back. */
  private int lastBatch;
  /** When the writer last had a crowd after a batch ({@link #nanoTime}). */
  private long crowdSeen;

  /**
   * @param newTx a transaction of the writer's, collecting its after-commit actions in the list given
   * @param queued writes queued for the writer
   * @param nanoTime the time in nanoseconds, as {@link System#nanoTime} reads it
   */
  WriterLulls(Connection connection, InsertBuffer inserts, Function<List<Runnable>, Tx> newTx, IntSupplier queued,
      LongSupplier nanoTime) throws SQLException {
    this.connection = connection;
    this.inserts = inserts;
    this.newTx = newTx;
    this.sqlite = connection.unwrap(SQLiteConnection.class).getDatabase();
    this.queued = queued;
    this.nanoTime = nanoTime;
    this.crowdSeen = nanoTime.getAsLong() - CALM_NANOS;
  }

  void add(IdleWork w) {
    jobs.add(new Job(w::due, load -> inTransaction(w, load)));
  }

  /** Work that must run outside any transaction (a WAL checkpoint). */
  void addOutsideTransactions(Predicate<Load> due, GroupCommitWriter.ExclusiveWork w) {
    jobs.add(new Job(due, load -> {
      outsideTransactions(w);
      return true;
    }));
  }

  /** On the writer thread, after a batch of callers' writes was committed. */
  void afterBatch(int writes) {
    lastBatch = writes;
    long now = nanoTime.getAsLong();
    if (!lull(Load.LIGHT)) crowdSeen = now;
    else if (now - crowdSeen >= CALM_NANOS) run(Load.LIGHT);
  }

  /** On the writer thread, when no write has come for a while. */
  void whenQuiet() {
    run(Load.QUIET);
  }

  /**
   * Light: one turn of the next due job, then back to the writes (the few waiting wait for one
   * turn, not for all the housekeeping due; the next lull takes the next turn). Quiet: every due
   * job, turn after turn, until nothing is due or a write waits.
   */
  private void run(Load load) {
    int n = jobs.size();
    for (int i = 0; i < n; i++) {
      int at = load == Load.LIGHT ? (next + i) % n : i;
      Job job = jobs.get(at);
      while (lull(load) && job.due().test(load)) {
        boolean done = turn(job.turn(), load);
        if (load == Load.LIGHT) {
          next = (at + 1) % n;
          return;
        }
        if (!done) break;
      }
    }
  }

  /** Whether a crowd of writes is queued: a turn gives way to it. */
  private boolean crowded() {
    return queued.getAsInt() >= LIGHT_LOAD;
  }

  /** Quiet: nothing queued. Light: few waiting, counting the callers of the batch just committed. */
  private boolean lull(Load load) {
    return load == Load.QUIET ? queued.getAsInt() == 0 : lastBatch + queued.getAsInt() < LIGHT_LOAD;
  }

  /** Runs one turn; false if it failed or gave way to a crowd (it is not tried again in this lull). */
  private boolean turn(Turn t, Load load) {
    try {
      return t.run(load);
    } catch (SQLException e) {
      if (e.getErrorCode() != SQLiteErrorCode.SQLITE_INTERRUPT.code) log.error("idle work failed", e);
      return false;
    } catch (Exception e) {
      log.error("idle work failed", e);
      return false;
    }
  }

  /** Runs a turn in a transaction of its own; false if a crowd came before its commit. */
  private boolean inTransaction(IdleWork w, Load load) throws SQLException {
    List<Runnable> afterCommit = new ArrayList<>();
    ProgressHandler.setHandler(connection, PROGRESS_STEPS, giveWay);
    try {
      w.run(newTx.apply(afterCommit), load);
      ProgressHandler.clearHandler(connection); // before the commit: it must not give way
      if (crowded()) {
        // The commit writes every page the turn touched (a move's: milliseconds), and the crowd
        // that came meanwhile would wait for it; a rollback only drops them.
        inserts.discard();
        rollback();
        return false;
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      ProgressHandler.clearHandler(connection);
      inserts.discard();
      rollback();
      throw e;
    }
    afterCommit.forEach(Runnable::run);
    return true;
  }

  /**
   * Rolls the turn's transaction back and opens the next one, as the writer expects. A write that
   * gave way has already rolled the transaction back (SQLite does so itself), so the driver's
   * rollback fails before it opens the next one; then it is opened here.
   */
  private void rollback() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      try {
        sqlite.exec("begin;", false);
      } catch (SQLException stillOpen) {
        log.error("rolling back idle work failed", e); // a transaction is open, as the writer expects
      }
    }
  }

  private void outsideTransactions(GroupCommitWriter.ExclusiveWork w) throws Exception {
    connection.setAutoCommit(true);
    try {
      w.run(connection);
    } finally {
      connection.setAutoCommit(false);
    }
  }
}
