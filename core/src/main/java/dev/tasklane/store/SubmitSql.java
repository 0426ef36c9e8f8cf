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
import java.sql.Connection;
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

  private static final InsertBuffer.Shape TASK_ROW = new InsertBuffer.Shape(
      "INSERT INTO tasks (id, session_key, kind, input, input_hash, state, priority, max_attempts, created_at,"
          + " not_before, expires_at, deadline_ms, idempotency_key, parent_id, depends_on, waiting_on, origin,"
          + " exclusive, last_seq) VALUES ",
      "(?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", 17);

  private SubmitSql() {}

  /**
   * Submits {@code t} as {@link AppendingWork}: its rows may go in with the rest of its batch's. It
   * flushes them before every read of {@code tasks}, so it still sees every task submitted before it.
   */
  static Inserted insert(Connection c, NewTask t, int maxPending, Instant now) throws SQLException {
    String input = t.inputJson();
    String hash = t.inputHash() == null ? "" : t.inputHash();
    if (t.idempotencyKey() != null) {
      Optional<Task> existing = byIdempotencyKey(c, t, hash);
      if (existing.isPresent()) return new Inserted(existing.get(), false, List.of(), List.of());
    }
    List<Changed> changes = new ArrayList<>();
    List<TaskId> interrupted = new ArrayList<>();
    countPending(c, t, maxPending, now, changes, interrupted);
    DependencyState deps = dependencies(c, t.dependsOn());
    long id = RowIds.reserve(c, RowIds.Table.TASKS, 1);
    InsertBuffer.insert(c, TASK_ROW, id, t.sessionKey(), t.kind(), input, hash, t.priority(), t.maxAttempts(),
        now.toEpochMilli(), t.notBefore().toEpochMilli(), t.expiresAt() == null ? null : t.expiresAt().toEpochMilli(),
        t.deadline().toMillis(), t.idempotencyKey(), t.parentId() == null ? null : t.parentId().value(),
        TaskRows.idsJson(t.dependsOn()), deps.waiting, t.origin().equals(Origin.NONE) ? null : Json.write(t.origin()),
        t.busyPolicy() == BusyPolicy.PARALLEL ? 0 : 1);
    for (TaskId dep : t.dependsOn()) {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO task_dependencies (task_id, depends_on) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
        TaskRows.bind(ps, id, dep.value());
        ps.executeUpdate();
      }
    }
    // Built from what was inserted, not read back: a submit is the hottest write there is.
    Task created = new Task(TaskId.of(id), t.sessionKey(), t.kind(), t.input(), TaskState.QUEUED, t.priority(), 0,
        t.maxAttempts(), millis(now), millis(t.notBefore()), null, null, millis(t.expiresAt()),
        Duration.ofMillis(t.deadline().toMillis()), null, Progress.NONE, null, null, t.idempotencyKey(),
        t.parentId(), t.dependsOn(), t.origin(), null, t.busyPolicy() != BusyPolicy.PARALLEL);
    TaskEvent event = EventRows.insert(c, id, t.sessionKey(), 1, EventType.CREATED, TaskState.QUEUED, now,
        EventRows.Body.EMPTY);
    changes.add(new Changed(created.id(), created.state(), event));
    if (deps.failed != null) {
      InsertBuffer.flush(c);
      changes.addAll(failBecauseOf(c, created, deps.failed, now));
      created = TaskRows.find(c, id).orElseThrow();
    }
    return new Inserted(created, true, changes, interrupted);
  }

  /** An instant as the database keeps it: to the millisecond. */
  private static Instant millis(Instant i) {
    return i == null ? null : Instant.ofEpochMilli(i.toEpochMilli());
  }

  private static Optional<Task> byIdempotencyKey(Connection c, NewTask t, String hash) throws SQLException {
    InsertBuffer.flush(c);
    try (PreparedStatement ps = c.prepareStatement(
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
   * limit allow it. The usual case (enqueue or parallel, below the limit) is one UPDATE; the count
   * is read only for a session's first task, one at its limit, or the policies that look at it.
   */
  private static void countPending(Connection c, NewTask t, int maxPending, Instant now, List<Changed> changes,
      List<TaskId> interrupted) throws SQLException {
    BusyPolicy policy = t.busyPolicy();
    if (policy == BusyPolicy.ENQUEUE || policy == BusyPolicy.PARALLEL) {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE session_pending SET pending = pending + 1 WHERE session_key = ? AND pending < ?")) {
        TaskRows.bind(ps, t.sessionKey(), maxPending);
        if (ps.executeUpdate() == 1) return;
      }
    }
    long pending = pending(c, t.sessionKey());
    if (pending > 0) applyBusyPolicy(c, t, pending, now, changes, interrupted);
    if (pending >= maxPending && policy != BusyPolicy.INTERRUPT) {
      throw new LaneException(ErrorCode.RATE_LIMITED,
          "session " + t.sessionKey() + " already has " + pending + " pending tasks (limit " + maxPending + ")");
    }
    addPending(c, t.sessionKey(), pending);
  }

  /** The session's queued and running tasks, as counted in {@code session_pending}. */
  private static long pending(Connection c, String session) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pending FROM session_pending WHERE session_key = ?")) {
      ps.setString(1, session);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /**
   * Counts the new task as pending: an UPDATE when the session had a count (read just before, in
   * this transaction), else an INSERT. Cheaper on SQLite than an upsert; the UPDATE falls back to
   * the INSERT if an interrupting submit's cancels took the count to zero meanwhile.
   */
  private static void addPending(Connection c, String session, long pendingBefore) throws SQLException {
    if (pendingBefore > 0) {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE session_pending SET pending = pending + 1 WHERE session_key = ?")) {
        ps.setString(1, session);
        if (ps.executeUpdate() == 1) return;
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO session_pending (session_key, pending) VALUES (?, 1)")) {
      ps.setString(1, session);
      ps.executeUpdate();
    }
  }

  private static void applyBusyPolicy(Connection c, NewTask t, long pending, Instant now, List<Changed> changes,
      List<TaskId> interrupted) throws SQLException {
    switch (t.busyPolicy()) {
      case ENQUEUE, PARALLEL -> {}
      case REJECT -> throw new LaneException(ErrorCode.BUSY,
          "session " + t.sessionKey() + " is busy with another task");
      case INTERRUPT -> {
        for (Task other : sessionPending(c, t.sessionKey(), pending)) {
          if (other.state() == TaskState.QUEUED) {
            changes.addAll(Transitions.cancelQueued(c, other.id().value(), now));
          } else {
            Transitions.requestCancel(c, other.id().value(), now).ifPresent(changes::add);
            interrupted.add(other.id());
          }
        }
      }
    }
  }

  /**
   * The session's {@code pending} queued and running tasks, oldest first. Found newest first: pending
   * tasks are usually the session's latest, so the walk stops long before its finished history.
   */
  private static List<Task> sessionPending(Connection c, String session, long pending) throws SQLException {
    InsertBuffer.flush(c);
    try (PreparedStatement ps = c.prepareStatement("SELECT " + TaskRows.COLUMNS
        + " FROM tasks WHERE id IN (" + SessionTasks.IDS + ") AND finished_at IS NULL ORDER BY id DESC LIMIT ?")) {
      TaskRows.bind(ps, session, session, pending);
      return TaskRows.mapAll(ps).reversed();
    }
  }

  private record DependencyState(int waiting, Task failed) {}

  private static DependencyState dependencies(Connection c, List<TaskId> deps) throws SQLException {
    int waiting = 0;
    Task failed = null;
    if (!deps.isEmpty()) InsertBuffer.flush(c);
    for (TaskId dep : deps) {
      Task d = TaskRows.find(c, dep.value())
          .orElseThrow(() -> new LaneException(ErrorCode.BAD_REQUEST, "dependsOn names an unknown task " + dep));
      if (d.state() != TaskState.COMPLETED) waiting++;
      if (d.isTerminal() && d.state() != TaskState.COMPLETED && failed == null) failed = d;
    }
    return new DependencyState(waiting, failed);
  }

  private static List<Changed> failBecauseOf(Connection c, Task created, Task dep, Instant now)
      throws SQLException {
    TaskError error = new TaskError(TaskError.DEPENDENCY_FAILED,
        "task " + dep.id() + " it depends on ended " + dep.state().wire(), false);
    return Transitions.failQueued(c, created.id().value(), error, now);
  }
}
