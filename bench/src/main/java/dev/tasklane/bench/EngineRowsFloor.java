package dev.tasklane.bench;

import dev.tasklane.store.Database;
import dev.tasklane.store.sqlite.SqliteDatabase;
import dev.tasklane.store.sqlite.SqliteOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The rows Tasklane writes per task, on Tasklane's own schema, written by plain JDBC: on submit
 * the task row, its {@code created} event, its session's pending count and its recent session row
 * (moved into the session index later, in bulk, outside the measurement); the claim (row to
 * {@code running}, {@code started} event) and the completion (row to {@code completed}, event,
 * pending count down). A task that completes at its first attempt has no attempt row. Batched 512
 * tasks per transaction with prepared statements reused, WAL, synchronous=FULL. This is the most
 * the engine could drain with its present schema on this disk if it had no other cost; the WAL
 * bytes per task show what each commit has to write and fsync.
 */
final class EngineRowsFloor {
  private static final String INSERT_TASK =
      "INSERT INTO tasks (session_key, kind, input, input_hash, state, priority, max_attempts, created_at, not_before,"
          + " deadline_ms, origin, exclusive, last_seq) VALUES (?, 'noop', ?, 'hash', 'queued', 5, 3, ?, ?, 1800000, '{}', 1, 1)";
  private static final String INSERT_EVENT =
      "INSERT INTO task_events (task_id, session_key, seq, type, state, at, payload) VALUES (?, ?, ?, ?, ?, ?, NULL)";
  private static final String CLAIM =
      "UPDATE tasks SET state = 'running', attempt = attempt + 1, started_at = ?, lease_owner = 'bench', lease_until = ?,"
          + " fence = fence + 1, last_seq = last_seq + 1 WHERE id = ? AND state = 'queued'";
  private static final String RECENT = "INSERT INTO session_tasks_recent (task_id, session_key) VALUES (?, ?)";
  private static final String PENDING_UP =
      "INSERT INTO session_pending (session_key, pending) VALUES (?, 1) ON CONFLICT DO UPDATE SET pending = pending + 1";
  private static final String COMPLETE =
      "UPDATE tasks SET state = 'completed', finished_at = ?, result = 'null', lease_until = NULL,"
          + " last_seq = last_seq + 1 WHERE id = ? AND state = 'running' AND fence = 1";
  private static final String PENDING_DOWN = "UPDATE session_pending SET pending = pending - 1 WHERE session_key = ?";

  private EngineRowsFloor() {}

  /** Tasks per second for submit rows, and for claim + completion rows (the drain), and WAL bytes per drained task. */
  record Floor(double submitsPerSecond, double drainPerSecond, double walBytesPerTask) {}

  static Floor measure(Path file, int tasks, int batch) throws Exception {
    migrate(file);
    try (Connection c = SqliteFiles.baselineDataSource(file).getConnection();
        PreparedStatement event = c.prepareStatement(INSERT_EVENT);
        PreparedStatement claim = c.prepareStatement(CLAIM);
        PreparedStatement complete = c.prepareStatement(COMPLETE);
        PreparedStatement pendingDown = c.prepareStatement(PENDING_DOWN)) {
      c.setAutoCommit(false);
      double submits = submitAll(c, tasks, batch, true);
      long t2 = System.nanoTime();
      // Measure the WAL the drain writes: start it empty, and keep SQLite from checkpointing it meanwhile.
      pragma(c, "PRAGMA wal_checkpoint(TRUNCATE)");
      pragma(c, "PRAGMA wal_autocheckpoint=0");
      t2 = System.nanoTime();
      for (long id = 1; id <= tasks; id++) {
        long now = System.currentTimeMillis();
        String session = "bench:" + id % 1000;
        bind(claim, now, now + 30_000, id).executeUpdate();
        bind(event, id, session, 2, "started", "running", now).executeUpdate();
        if (id % batch == 0) c.commit();
      }
      c.commit();
      for (long id = 1; id <= tasks; id++) {
        long now = System.currentTimeMillis();
        String session = "bench:" + id % 1000;
        bind(complete, now, id).executeUpdate();
        bind(event, id, session, 3, "completed", "completed", now).executeUpdate();
        bind(pendingDown, session).executeUpdate();
        if (id % batch == 0) c.commit();
      }
      c.commit();
      long t3 = System.nanoTime();
      long wal = Files.size(Path.of(file + "-wal"));
      return new Floor(submits, tasks / ((t3 - t2) / 1e9), (double) wal / tasks);
    }
  }

  /**
   * Submit rows per second as {@link #measure} writes them, but with each task's session entry
   * written into an index on {@code tasks (session_key)} at once instead of a recent row: what the
   * engine did before, when every submit wrote a random page of that index.
   */
  static double submitsWithSessionIndex(Path file, int tasks, int batch) throws Exception {
    migrate(file);
    try (Connection c = SqliteFiles.baselineDataSource(file).getConnection()) {
      pragma(c, "CREATE INDEX tasks_session ON tasks (session_key)");
      c.setAutoCommit(false);
      return submitAll(c, tasks, batch, false);
    }
  }

  private static void migrate(Path file) {
    try (Database schema = SqliteDatabase.open(file, SqliteOptions.defaults())) {
      schema.migrate("core", "db/core");
    }
  }

  /**
   * Inserts {@code tasks} tasks as a submit does, {@code batch} per transaction, with or without
   * their recent session rows: tasks per second.
   */
  private static double submitAll(Connection c, int tasks, int batch, boolean recentRows) throws SQLException {
    try (PreparedStatement task = c.prepareStatement(INSERT_TASK);
        PreparedStatement event = c.prepareStatement(INSERT_EVENT);
        PreparedStatement pendingUp = c.prepareStatement(PENDING_UP);
        PreparedStatement recent = c.prepareStatement(RECENT)) {
      long t0 = System.nanoTime();
      for (long id = 1; id <= tasks; id++) {
        long now = System.currentTimeMillis();
        String session = "bench:" + id % 1000;
        bind(task, session, "{\"seq\":" + id + "}", now, now).executeUpdate();
        bind(event, id, session, 1, "created", "queued", now).executeUpdate();
        bind(pendingUp, session).executeUpdate();
        if (recentRows) bind(recent, id, session).executeUpdate();
        if (id % batch == 0) c.commit();
      }
      c.commit();
      return tasks / ((System.nanoTime() - t0) / 1e9);
    }
  }

  private static void pragma(Connection c, String sql) throws SQLException {
    if (!c.getAutoCommit()) c.commit();
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
    c.setAutoCommit(false);
  }

  private static PreparedStatement bind(PreparedStatement ps, Object... values) throws SQLException {
    for (int i = 0; i < values.length; i++) ps.setObject(i + 1, values[i]);
    return ps;
  }
}
