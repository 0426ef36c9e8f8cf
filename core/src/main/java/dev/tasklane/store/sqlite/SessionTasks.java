package dev.tasklane.store.sqlite;

import dev.tasklane.store.InsertShape;
import dev.tasklane.store.SessionIndex;
import dev.tasklane.store.Tx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Which tasks belong to which session, kept so that a submit writes no random page.
 *
 * <p>A session index on {@code tasks} put every submit's entry on a random page of a large index,
 * and a commit writes whole pages: that entry cost more WAL than the rest of the submit together.
 * So a submit appends {@code (task_id, session_key)} to {@code session_tasks_recent}, a narrow
 * table written at its end, and the writer moves those rows into {@code session_tasks} (keyed by
 * session) in bulk, in a lull: each index page is then written once per move, not once per submit.
 * A quiet writer moves them from {@link #IDLE_MOVE} rows on, a lightly loaded one (few writes
 * waiting, so the move delays only those) from {@link #LIGHT_MOVE} on; a busy writer moves them
 * inline once they pass {@link #CAP}, so queries never scan more than that many recent rows.
 *
 * <p>Every task is in exactly one of the two tables (a move is one transaction), and {@link #IDS}
 * reads both in one statement, so one snapshot: a query sees each task of the session once. On
 * PostgreSQL, an index on {@code tasks (session_key)} does the job ({@link SessionIndex#BY_COLUMN}).
 *
 * <p>Only the writer thread calls the methods of an instance; its count of recent rows is an
 * estimate (a rolled-back submit may have counted itself), used only to decide when to move.
 */
final class SessionTasks implements SessionIndex, WriterLulls.IdleWork {
  /** The ids of a session's tasks: a subquery that takes the session key twice. */
  static final String IDS = "SELECT task_id FROM session_tasks WHERE session_key = ?"
      + " UNION ALL SELECT task_id FROM session_tasks_recent WHERE session_key = ?";

  /** Recent rows worth a move when the writer is idle: enough to write each index page once for several entries. */
  static final int IDLE_MOVE = 4_096;
  /**
   * Recent rows worth a move when only a few writes wait: a full chunk, so that a steady light load
   * makes as few moves as a busy writer would (each writes most pages of the session index, so
   * fewer rows a move cost more pages a row), and the rows stay far below the cap for a burst of
   * many writers later. A burst that begins during the move stops it (the writer's lulls give way).
   */
  static final int LIGHT_MOVE = 8_192;
  /** Recent rows past which a busy writer moves them anyway: what a query by session scans at most, beyond the index. */
  static final int CAP = 65_536;
  /** Most rows one move takes, oldest first: bounds the commit that carries it. */
  static final int CHUNK = 8_192;

  private static final InsertShape RECENT_ROW =
      new InsertShape("INSERT INTO session_tasks_recent (task_id, session_key) VALUES ", "(?, ?)", 2);

  private final int idleMove;
  private final int lightMove;
  private final int cap;
  private final int chunk;
  private long recent;

  SessionTasks() {
    this(IDLE_MOVE, LIGHT_MOVE, CAP, CHUNK);
  }

  SessionTasks(int idleMove, int lightMove, int cap, int chunk) {
    if (idleMove < 1 || lightMove < 1 || cap < 1 || chunk < 1) {
      throw new IllegalArgumentException("limits must be at least 1");
    }
    this.idleMove = idleMove;
    this.lightMove = lightMove;
    this.cap = cap;
    this.chunk = chunk;
  }

  @Override
  public String taskIds() {
    return IDS;
  }

  @Override
  public int parameters() {
    return 2;
  }

  /** Counts the recent rows left by an earlier run. */
  @Override
  public void start(Tx tx) throws SQLException {
    try (PreparedStatement ps = tx.connection().prepareStatement("SELECT COUNT(*) FROM session_tasks_recent");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      recent = rs.getLong(1);
    }
  }

  /** Records a new task of {@code session}; past the cap, moves a chunk of recent rows in the same transaction. */
  @Override
  public void added(Tx tx, long taskId, String session) throws SQLException {
    tx.rows().insert(RECENT_ROW, taskId, session);
    if (++recent >= cap) {
      tx.rows().flush(); // the rows of submits earlier in the batch
      recent = Math.max(0, recent - move(tx.connection()));
    }
  }

  @Override
  public boolean due(WriterLulls.Load load) {
    return recent >= (load == WriterLulls.Load.QUIET ? idleMove : lightMove);
  }

  @Override
  public void run(Tx tx, WriterLulls.Load load) throws SQLException {
    tx.rows().flush();
    int moved = move(tx.connection());
    tx.afterCommit(() -> recent = Math.max(0, recent - moved)); // a turn can give way before its commit
  }

  /**
   * Moves up to a chunk of the oldest recent rows into the session index; returns how many, which
   * the caller takes off the count of recent rows once the move counts.
   */
  int move(Connection c) throws SQLException {
    long upto;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT MAX(task_id) FROM (SELECT task_id FROM session_tasks_recent ORDER BY task_id LIMIT ?)")) {
      ps.setInt(1, chunk);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        upto = rs.getLong(1);
        if (rs.wasNull()) {
          recent = 0;
          return 0;
        }
      }
    }
    // In key order, so that consecutive inserts land on the same page.
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO session_tasks (session_key, task_id)"
        + " SELECT session_key, task_id FROM session_tasks_recent WHERE task_id <= ? ORDER BY session_key, task_id")) {
      ps.setLong(1, upto);
      ps.executeUpdate();
    }
    int moved;
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM session_tasks_recent WHERE task_id <= ?")) {
      ps.setLong(1, upto);
      moved = ps.executeUpdate();
    }
    return moved;
  }

  /** Deletes the index rows of the tasks {@code taskIds} selects (a subquery with one parameter). */
  @Override
  public void forget(Tx tx, String taskIds, long parameter) throws SQLException {
    Connection c = tx.connection();
    for (String sql : new String[] {
        "DELETE FROM session_tasks WHERE (session_key, task_id) IN (SELECT session_key, id FROM tasks WHERE id IN ("
            + taskIds + "))",
        "DELETE FROM session_tasks_recent WHERE task_id IN (" + taskIds + ")"}) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setLong(1, parameter);
        ps.executeUpdate();
      }
    }
  }
}
