package dev.tasklane.store;

import dev.tasklane.core.BusyPolicy;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.EventType;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Origin;
import dev.tasklane.core.Progress;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskError;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import dev.tasklane.store.Transitions.Changed;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Inserting a task: idempotency, the session's limits and busy policy, dependencies. */
final class SubmitSql {
  /** The outcome of an insert: the task, whether it is new, and every change made (events to publish). */
  record Inserted(Task task, boolean created, List<Changed> changes, List<TaskId> interrupted) {}

  private static final InsertShape TASK_ROW = new InsertShape(
      "INSERT INTO tasks (id, session_key, kind, input, input_hash, state, priority, max_attempts, created_at,"
          + " not_before, expires_at, deadline_ms, idempotency_key, parent_id, depends_on, waiting_on, origin,"
          + " exclusive, last_seq) VALUES ",
      "(?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", 17);
  /** A task with an idempotency key: inserted at once, and only if no other connection took the key first. */
  private static final String KEYED_TASK_ROW = TASK_ROW.sql(1)
      + " ON CONFLICT (session_key, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING";

  /**
   * Another connection inserted a task with the same idempotency key after this submit looked for
   * one: the submit is undone, and asked again it finds that task.
   */
  static final class KeyTaken extends RuntimeException {
    KeyTaken(String key) {
      super("idempotency key '" + key + "' was taken meanwhile", null, false, false);
    }
  }

  private SubmitSql() {}

  /**
   * Submits {@code t} as {@link AppendingWork}: its rows may go in with the rest of its batch's. It
   * flushes them before every read of {@code tasks}, so it still sees every task submitted before it.
   */
  static Inserted insert(Tx tx, SessionIndex sessions, NewTask t, int maxPending, Instant now) throws SQLException {
    String input = t.inputJson();
    String hash = t.inputHash() == null ? "" : t.inputHash();
    if (t.idempotencyKey() != null) {
      Optional<Task> existing = byIdempotencyKey(tx, t, hash);
      if (existing.isPresent()) return new Inserted(existing.get(), false, List.of(), List.of());
    }
    List<Changed> changes = new ArrayList<>();
    List<TaskId> interrupted = new ArrayList<>();
    countPending(tx, sessions, t, maxPending, now, changes, interrupted);
    DependencyState deps = dependencies(tx, t.dependsOn());
    long id = tx.rows().reserveId(Rows.Table.TASKS);
    Object[] row = {id, t.sessionKey(), t.kind(), input, hash, t.priority(), t.maxAttempts(),
        now.toEpochMilli(), t.notBefore().toEpochMilli(), t.expiresAt() == null ? null : t.expiresAt().toEpochMilli(),
        t.deadline().toMillis(), t.idempotencyKey(), t.parentId() == null ? null : t.parentId().value(),
        TaskRows.idsJson(t.dependsOn()), deps.waiting, t.origin().equals(Origin.NONE) ? null : Json.write(t.origin()),
        t.busyPolicy() == BusyPolicy.PARALLEL ? 0 : 1};
    if (t.idempotencyKey() == null) {
      tx.rows().insert(TASK_ROW, row);
    } else if (update(tx, KEYED_TASK_ROW, row) == 0) {
      throw new KeyTaken(t.idempotencyKey());
    }
    for (TaskId dep : t.dependsOn()) {
      try (PreparedStatement ps = tx.connection().prepareStatement(
          "INSERT INTO task_dependencies (task_id, depends_on) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
        TaskRows.bind(ps, id, dep.value());
        ps.executeUpdate();
      }
    }
    // Built from what was inserted, not read back: a submit is the hottest write there is.
    Task created = new Task(TaskId.of(id), t.sessionKey(), t.kind(), t.input(), TaskState.QUEUED, t.priority(), 0,
        t.maxAttempts(), millis(now), millis(t.notBefore()), null, null, millis(t.expiresAt()),
        Duration.ofMillis(t.deadline().toMillis()), null, Progress.NONE, null, null, t.idempotencyKey(),
        t.parentId(), t.dependsOn(), t.origin(), null, t.busyPolicy() != BusyPolicy.PARALLEL, deps.waiting);
    TaskEvent event = EventRows.insert(tx, id, t.sessionKey(), 1, EventType.CREATED, TaskState.QUEUED, now,
        EventRows.Body.EMPTY);
    changes.add(new Changed(created.id(), created.state(), event));
    if (deps.failed != null) {
      tx.rows().flush();
      changes.addAll(failBecauseOf(tx, created, deps.failed, now));
      created = TaskRows.find(tx.connection(), id).orElseThrow();
    }
    return new Inserted(created, true, changes, interrupted);
  }

  /** An instant as the database keeps it: to the millisecond. */
  private static Instant millis(Instant i) {
    return i == null ? null : Instant.ofEpochMilli(i.toEpochMilli());
  }

  private static Optional<Task> byIdempotencyKey(Tx tx, NewTask t, String hash) throws SQLException {
    tx.rows().flush();
    try (PreparedStatement ps = tx.connection().prepareStatement(
        "SELECT " + TaskRows.COLUMNS + ", input_hash FROM tasks WHERE session_key = ? AND idempotency_key = ?")) {
      TaskRows.bind(ps, t.sessionKey(), t.idempotencyKey());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return Optional.empty();
        if (!rs.getString("input_hash").equals(hash)) {
          throw new LaneException(ErrorCode.CONFLICT, "idempotency key '" + t.idempotencyKey()
              + "' was already used for task " + TaskId.of(rs.getLong("id")) + " with a different kind or input");
        }
        return Optional.of(TaskRows.map(rs));
      }
    }
  }

  /**
   * Counts the new task in its session's pending tasks, after its busy policy and the session's
   * limit allow it. Each check and count is one statement on the session's row, which the database
   * locks while it checks: the limit holds however many connections submit at once. The usual case
   * (enqueue or parallel, below the limit, the session already pending) is one UPDATE.
   */
  private static void countPending(Tx tx, SessionIndex sessions, NewTask t, int maxPending, Instant now,
      List<Changed> changes, List<TaskId> interrupted) throws SQLException {
    String session = t.sessionKey();
    switch (t.busyPolicy()) {
      case ENQUEUE, PARALLEL -> {
        if (update(tx, "UPDATE session_pending SET pending = pending + 1 WHERE session_key = ? AND pending < ?",
            session, maxPending) == 1) return;
        if (update(tx, "INSERT INTO session_pending (session_key, pending) VALUES (?, 1) ON CONFLICT (session_key)"
            + " DO UPDATE SET pending = session_pending.pending + 1 WHERE session_pending.pending < ?",
            session, maxPending) == 1) return;
        throw new LaneException(ErrorCode.RATE_LIMITED, "session " + session + " already has "
            + pending(tx, session, "") + " pending tasks (limit " + maxPending + ")");
      }
      case REJECT -> {
        if (update(tx, "INSERT INTO session_pending (session_key, pending) VALUES (?, 1)"
            + " ON CONFLICT (session_key) DO NOTHING", session) == 1) return;
        throw new LaneException(ErrorCode.BUSY, "session " + session + " is busy with another task");
      }
      case INTERRUPT -> {
        long pending = pending(tx, session, tx.dialect().lockForUpdate());
        if (pending > 0) interrupt(tx, sessions, t, pending, now, changes, interrupted);
        update(tx, "INSERT INTO session_pending (session_key, pending) VALUES (?, 1) ON CONFLICT (session_key)"
            + " DO UPDATE SET pending = session_pending.pending + 1", session);
      }
    }
  }

  /** The session's queued and running tasks, as counted in {@code session_pending}. */
  private static long pending(Tx tx, String session, String lock) throws SQLException {
    try (PreparedStatement ps = tx.connection().prepareStatement(
        "SELECT pending FROM session_pending WHERE session_key = ?" + lock)) {
      ps.setString(1, session);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  private static int update(Tx tx, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
      TaskRows.bind(ps, params);
      return ps.executeUpdate();
    }
  }

  /** Cancels the session's queued tasks and asks its running ones to stop. */
  private static void interrupt(Tx tx, SessionIndex sessions, NewTask t, long pending, Instant now,
      List<Changed> changes, List<TaskId> interrupted) throws SQLException {
    for (Task other : sessionPending(tx, sessions, t.sessionKey(), pending)) {
      if (other.state() == TaskState.QUEUED) {
        changes.addAll(Transitions.cancelQueued(tx, other.id().value(), now));
      } else {
        Transitions.requestCancel(tx, other.id().value(), now).ifPresent(changes::add);
        interrupted.add(other.id());
      }
    }
  }

  /**
   * The session's {@code pending} queued and running tasks, oldest first. Found newest first: pending
   * tasks are usually the session's latest, so the walk stops long before its finished history.
   */
  private static List<Task> sessionPending(Tx tx, SessionIndex sessions, String session, long pending)
      throws SQLException {
    tx.rows().flush();
    try (PreparedStatement ps = tx.connection().prepareStatement("SELECT " + TaskRows.COLUMNS
        + " FROM tasks WHERE id IN (" + sessions.taskIds() + ") AND finished_at IS NULL ORDER BY id DESC LIMIT ?")) {
      TaskRows.bind(ps, TaskRows.concat(TaskRows.repeat(session, sessions.parameters()), pending));
      return TaskRows.mapAll(ps).reversed();
    }
  }

  private record DependencyState(int waiting, Task failed) {}

  private static DependencyState dependencies(Tx tx, List<TaskId> deps) throws SQLException {
    int waiting = 0;
    Task failed = null;
    if (!deps.isEmpty()) tx.rows().flush();
    for (TaskId dep : deps) {
      Task d = TaskRows.find(tx.connection(), dep.value())
          .orElseThrow(() -> new LaneException(ErrorCode.BAD_REQUEST, "dependsOn names an unknown task " + dep));
      if (d.state() != TaskState.COMPLETED) waiting++;
      if (d.isTerminal() && d.state() != TaskState.COMPLETED && failed == null) failed = d;
    }
    return new DependencyState(waiting, failed);
  }

  private static List<Changed> failBecauseOf(Tx tx, Task created, Task dep, Instant now)
      throws SQLException {
    TaskError error = new TaskError(TaskError.DEPENDENCY_FAILED,
        "task " + dep.id() + " it depends on ended " + dep.state().wire(), false);
    return Transitions.failQueued(tx, created.id().value(), error, now);
  }
}
