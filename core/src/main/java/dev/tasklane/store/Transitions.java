package dev.tasklane.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.core.EventType;
import dev.tasklane.core.Progress;
import dev.tasklane.core.TaskError;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The named state changes of a task. Each is one UPDATE guarded in SQL by the state it expects
 * (and, for a worker's writes, by its fence), so a change that lost a race changes nothing and
 * returns empty. Every change appends its event with the task's next seq.
 */
final class Transitions {
  /** Which task changed, its state after the change, and the event that reports it. */
  record Changed(TaskId id, TaskState state, TaskEvent event) {}

  private Transitions() {}

  /** Tasks just claimed: their rows as read (made into tasks by the caller, off the writer thread), and the changes. */
  record Claimed(List<TaskRows.Raw> rows, List<Changed> changes) {}

  /**
   * queued → running for the tasks the claim query chose, in the order given (the order they start
   * in): one UPDATE, one SELECT and one INSERT of their {@code started} events however many (the
   * ids go in as one JSON array). {@code then}: statements that return nothing, to run after the
   * write, in its round trip where the write is one statement.
   */
  static Claimed claim(Tx tx, List<Long> ids, String owner, Instant now, Instant leaseUntil, String then)
      throws SQLException {
    TaskState.QUEUED.checkMoveTo(TaskState.RUNNING);
    if (tx.dialect().writesInOneStatement()) return ChainedWrites.claim(tx, ids, owner, now, leaseUntil, then);
    Claimed claimed = claimStepByStep(tx, ids, owner, now, leaseUntil);
    TaskRows.run(tx.connection(), then);
    return claimed;
  }

  private static Claimed claimStepByStep(Tx tx, List<Long> ids, String owner, Instant now, Instant leaseUntil)
      throws SQLException {
    String idArray = ids.toString();
    String chosen = "SELECT id FROM " + tx.dialect().idsOf() + " AS chosen";
    try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE tasks SET state = 'running',"
        + " attempt = attempt + 1, started_at = ?, lease_owner = ?, lease_until = ?, fence = fence + 1,"
        + " cancel_requested_at = NULL, last_seq = last_seq + 1 WHERE id IN (" + chosen + ") AND state = 'queued'")) {
      TaskRows.bind(ps, now.toEpochMilli(), owner, leaseUntil.toEpochMilli(), idArray);
      if (ps.executeUpdate() == 0) return new Claimed(List.of(), List.of());
    }
    Map<Long, TaskRows.Raw> byId = new HashMap<>();
    // Guarded by this claim's owner and time: on a shared database another node may have won a row.
    try (PreparedStatement ps = tx.connection().prepareStatement("SELECT " + TaskRows.COLUMNS + " FROM tasks"
        + " WHERE id IN (" + chosen + ") AND state = 'running' AND lease_owner = ? AND started_at = ?")) {
      TaskRows.bind(ps, idArray, owner, now.toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          TaskRows.Raw row = TaskRows.Raw.read(rs);
          byId.put(row.id(), row);
        }
      }
    }
    List<TaskRows.Raw> rows = ids.stream().map(byId::get).filter(Objects::nonNull).toList();
    // The started events, one statement for all; the i-th claimed task's event gets the i-th id reserved.
    long[] eventIds = tx.rows().reserveIds(Rows.Table.EVENTS, rows.size());
    String taskIds = rows.stream().map(TaskRows.Raw::id).toList().toString();
    // Consecutive ids (always with one writer) are the first plus the position; others go in as a list.
    boolean consecutive = eventIds.length == 0 || eventIds[eventIds.length - 1] - eventIds[0] == eventIds.length - 1;
    String idsOf = tx.dialect().idsOf();
    try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO task_events (id, task_id, session_key,"
        + " seq, type, state, at, payload) SELECT " + (consecutive ? "? + j.pos" : "e.id") + ", t.id, t.session_key,"
        + " t.last_seq, 'started', 'running', ?,"
        + " " + EventRows.Body.startedSql("t")
        + " FROM " + idsOf + " AS j" + (consecutive ? "" : " JOIN " + idsOf + " AS e ON e.pos = j.pos")
        + " JOIN tasks t ON t.id = j.id")) {
      if (consecutive) TaskRows.bind(ps, eventIds.length == 0 ? 0 : eventIds[0], now.toEpochMilli(), taskIds);
      else TaskRows.bind(ps, now.toEpochMilli(), taskIds, Arrays.toString(eventIds));
      ps.executeUpdate();
    }
    List<Changed> changes = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      TaskRows.Raw row = rows.get(i);
      TaskEvent event = EventRows.event(eventIds[i], row.id(), row.sessionKey(), row.lastSeq(),
          EventType.STARTED, TaskState.RUNNING, now, EventRows.Body.started(row.progressJson()));
      changes.add(new Changed(event.taskId(), TaskState.RUNNING, event));
    }
    return new Claimed(rows, changes);
  }

  /**
   * running → completed; {@code resultJson} is {@code result} serialized (by the caller, off the
   * writer thread). Fit for an {@link AppendingWork}: its event may go in with its batch's others.
   */
  static List<Changed> complete(Tx tx, long id, long fence, JsonNode result, String resultJson, Instant now)
      throws SQLException {
    TaskState.RUNNING.checkMoveTo(TaskState.COMPLETED);
    try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE tasks SET state = 'completed', finished_at = ?,"
        + " result = ?, lease_until = NULL, error = NULL, last_seq = last_seq + 1"
        + " WHERE id = ? AND state = 'running' AND fence = ?")) {
      TaskRows.bind(ps, now.toEpochMilli(), resultJson, id, fence);
      if (ps.executeUpdate() != 1) return List.of();
    }
    TaskEvent event = EventRows.appendBuilt(tx, id, EventType.COMPLETED, TaskState.COMPLETED, now,
        EventRows.Body.result(result, resultJson));
    endPending(tx, event.sessionKey());
    releaseDependents(tx, List.of(id));
    return List.of(new Changed(event.taskId(), TaskState.COMPLETED, event));
  }

  /** running → failed; the attempt ends with {@code error}; dependents fail too. */
  static List<Changed> fail(Tx tx, long id, Long fence, TaskError error, Instant now) throws SQLException {
    Optional<Changed> done = move(tx, id, TaskState.RUNNING, TaskState.FAILED, fence, EventType.FAILED, now, null,
        "finished_at = ?, error = ?, lease_until = NULL", now.toEpochMilli(), Json.write(error));
    if (done.isEmpty()) return List.of();
    return withDependents(tx, done.get(), now);
  }

  /** running → queued for another attempt after {@code notBefore}. */
  static Optional<Changed> retry(Tx tx, long id, Long fence, TaskError error, Instant notBefore, Instant now,
      String outcome) throws SQLException {
    if (!endAttempt(tx, id, fence, outcome, error, now)) return Optional.empty();
    return move(tx, id, TaskState.RUNNING, TaskState.QUEUED, fence, EventType.RETRYING, now, null,
        "not_before = ?, error = ?, lease_owner = NULL, lease_until = NULL", notBefore.toEpochMilli(),
        Json.write(error));
  }

  /** running → queued without spending an attempt: the process is shutting down, or never started it. */
  static Optional<Changed> release(Tx tx, long id, long fence, TaskError error, Instant now)
      throws SQLException {
    // No attempt row: the attempt did not end, it is given back (and its number reused).
    return move(tx, id, TaskState.RUNNING, TaskState.QUEUED, fence, EventType.RETRYING, now, null,
        "attempt = attempt - 1, not_before = ?, error = ?, lease_owner = NULL, lease_until = NULL",
        now.toEpochMilli(), Json.write(error));
  }

  static List<Changed> cancelQueued(Tx tx, long id, Instant now) throws SQLException {
    TaskError error = new TaskError(TaskError.CANCELED, "canceled before it started", false);
    Optional<Changed> done = move(tx, id, TaskState.QUEUED, TaskState.CANCELED, null, EventType.CANCELED, now, null,
        "finished_at = ?, error = ?", now.toEpochMilli(), Json.write(error));
    return done.isEmpty() ? List.of() : withDependents(tx, done.get(), now);
  }

  /** running → canceled: the handler stopped, or the grace period ended ({@code fence} null). */
  static List<Changed> cancelRunning(Tx tx, long id, Long fence, String message, Instant now)
      throws SQLException {
    TaskError error = new TaskError(TaskError.CANCELED, message, false);
    Optional<Changed> done = move(tx, id, TaskState.RUNNING, TaskState.CANCELED, fence, EventType.CANCELED, now, null,
        "finished_at = ?, error = ?, lease_until = NULL", now.toEpochMilli(), Json.write(error));
    if (done.isEmpty()) return List.of();
    return withDependents(tx, done.get(), now);
  }

  static List<Changed> expire(Tx tx, long id, Instant now) throws SQLException {
    TaskError error = new TaskError(TaskError.EXPIRED, "expired before it started", false);
    Optional<Changed> done = move(tx, id, TaskState.QUEUED, TaskState.EXPIRED, null, EventType.EXPIRED, now, null,
        "finished_at = ?, error = ?", now.toEpochMilli(), Json.write(error));
    return done.isEmpty() ? List.of() : withDependents(tx, done.get(), now);
  }

  /** queued → failed: a task it depends on will never complete. */
  static List<Changed> failQueued(Tx tx, long id, TaskError error, Instant now) throws SQLException {
    Optional<Changed> done = move(tx, id, TaskState.QUEUED, TaskState.FAILED, null, EventType.FAILED, now, null,
        "finished_at = ?, error = ?", now.toEpochMilli(), Json.write(error));
    return done.isEmpty() ? List.of() : withDependents(tx, done.get(), now);
  }

  /** Marks a running task's cancel as requested (once); its node stops the handler. */
  static Optional<Changed> requestCancel(Tx tx, long id, Instant now) throws SQLException {
    return same(tx, id, TaskState.RUNNING, null, EventType.CANCEL_REQUESTED, now, null,
        "cancel_requested_at = ?", " AND cancel_requested_at IS NULL", now.toEpochMilli());
  }

  static Optional<Changed> progress(Tx tx, long id, long fence, Progress progress, String output, Instant now)
      throws SQLException {
    EventType type = output != null && progress == null ? EventType.OUTPUT : EventType.PROGRESS;
    if (progress == null) {
      return same(tx, id, TaskState.RUNNING, fence, type, now, output, "fence = fence", "");
    }
    return same(tx, id, TaskState.RUNNING, fence, type, now, output, "progress = ?", "", Json.write(progress));
  }

  /** Fails every queued task waiting on {@code failed}, and theirs in turn. */
  private static List<Changed> withDependents(Tx tx, Changed failed, Instant now) throws SQLException {
    List<Changed> all = new ArrayList<>();
    all.add(failed);
    Deque<Changed> todo = new ArrayDeque<>();
    todo.add(failed);
    while (!todo.isEmpty()) {
      Changed dep = todo.poll();
      TaskError error = new TaskError(TaskError.DEPENDENCY_FAILED,
          "task " + dep.id() + " it depends on ended " + dep.state().wire(), false);
      for (long dependent : dependents(tx, dep.id().value())) {
        Optional<Changed> done = move(tx, dependent, TaskState.QUEUED, TaskState.FAILED, null, EventType.FAILED, now,
            null, "finished_at = ?, error = ?", now.toEpochMilli(), Json.write(error));
        if (done.isPresent()) {
          all.add(done.get());
          todo.add(done.get());
        }
      }
    }
    return all;
  }

  private static List<Long> dependents(Tx tx, long id) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (PreparedStatement ps = tx.connection().prepareStatement("SELECT task_id FROM task_dependencies WHERE depends_on = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getLong(1));
      }
    }
    return out;
  }

  /**
   * Records the running attempt as ended before the task runs again (retry, lost lease), if it is
   * still running under {@code fence} (any fence when null): the same guard as the transition that
   * follows it in the same transaction, so both apply or neither. Written before that transition,
   * which clears the lease owner it copies. A task's last attempt has no row: the task row (attempt,
   * lease owner, start, finish, state, error) describes it, so the common path writes one row less.
   */
  private static boolean endAttempt(Tx tx, long id, Long fence, String outcome, TaskError error, Instant now)
      throws SQLException {
    try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO task_attempts"
        + " (task_id, number, owner, started_at, finished_at, outcome, error)"
        + " SELECT id, attempt, lease_owner, started_at, ?, ?, ? FROM tasks WHERE id = ? AND state = 'running'"
        + (fence == null ? "" : " AND fence = ?")
        // Two nodes' reapers may end the same attempt: the first row stands, the second changes nothing.
        + " ON CONFLICT (task_id, number) DO NOTHING")) {
      TaskRows.bind(ps, now.toEpochMilli(), outcome, Json.write(error), id);
      if (fence != null) ps.setLong(5, fence);
      return ps.executeUpdate() == 1;
    }
  }

  /**
   * Tasks of several sessions stopped being pending ({@code ended}: session → how many): each
   * count goes down by its number, and the rows at zero go, with two statements for them all.
   */
  static void endPending(Tx tx, Map<String, Integer> ended) throws SQLException {
    if (ended.isEmpty()) return;
    String values = String.join(", ", ended.keySet().stream().map(k -> "(?, ?)").toList());
    try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE session_pending"
        + " SET pending = pending - c.column2 FROM (VALUES " + values + ") AS c"
        + " WHERE session_pending.session_key = c.column1")) {
      int i = 1;
      for (Map.Entry<String, Integer> e : ended.entrySet()) {
        ps.setString(i++, e.getKey());
        ps.setInt(i++, e.getValue());
      }
      ps.executeUpdate();
    }
    String marks = TaskRows.marks(ended.size());
    try (PreparedStatement ps = tx.connection().prepareStatement(
        "DELETE FROM session_pending WHERE pending <= 0 AND session_key IN (" + marks + ")")) {
      TaskRows.bind(ps, ended.keySet().toArray());
      ps.executeUpdate();
    }
  }

  /**
   * The tasks {@code completed} completed: each queued task waiting on one of them waits for one
   * fewer. One look for all of them (almost always finding none).
   */
  static void releaseDependents(Tx tx, List<Long> completed) throws SQLException {
    List<Long> dependents = new ArrayList<>();
    String marks = TaskRows.marks(completed.size());
    try (PreparedStatement ps = tx.connection().prepareStatement(
        "SELECT task_id FROM task_dependencies WHERE depends_on IN (" + marks + ")")) {
      TaskRows.bind(ps, completed.toArray());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) dependents.add(rs.getLong(1));
      }
    }
    if (!dependents.isEmpty()) tx.rows().flush(); // a dependent may have been submitted earlier in the batch
    for (long dependent : dependents) {
      try (PreparedStatement ps = tx.connection().prepareStatement(
          "UPDATE tasks SET waiting_on = waiting_on - 1 WHERE id = ? AND state = 'queued'")) {
        ps.setLong(1, dependent);
        ps.executeUpdate();
      }
    }
  }

  /**
   * A task stopped being pending: its session's count goes down, and its row goes at zero (so the
   * table holds only sessions with pending work). One statement while the session has more pending.
   */
  private static void endPending(Tx tx, String session) throws SQLException {
    try (PreparedStatement ps = tx.connection().prepareStatement(
        "UPDATE session_pending SET pending = pending - 1 WHERE session_key = ? AND pending > 1")) {
      ps.setString(1, session);
      if (ps.executeUpdate() == 1) return;
    }
    try (PreparedStatement ps = tx.connection().prepareStatement("DELETE FROM session_pending WHERE session_key = ?")) {
      ps.setString(1, session);
      ps.executeUpdate();
    }
  }

  private static Optional<Changed> move(Tx tx, long id, TaskState from, TaskState to, Long fence,
      EventType type, Instant now, String output, String set, Object... params) throws SQLException {
    from.checkMoveTo(to);
    return update(tx, id, from, fence, type, now, output, "state = '" + to.wire() + "', " + set, "", params);
  }

  private static Optional<Changed> same(Tx tx, long id, TaskState state, Long fence, EventType type,
      Instant now, String output, String set, String extraWhere, Object... params) throws SQLException {
    return update(tx, id, state, fence, type, now, output, set, extraWhere, params);
  }

  /**
   * One guarded UPDATE, then the event. No RETURNING: on SQLite it costs more than the update
   * itself, and the event needs only a few columns, read back by primary key.
   */
  private static Optional<Changed> update(Tx tx, long id, TaskState from, Long fence, EventType type,
      Instant now, String output, String set, String extraWhere, Object... params) throws SQLException {
    String sql = "UPDATE tasks SET " + set + ", last_seq = last_seq + 1 WHERE id = ? AND state = ?"
        + (fence == null ? "" : " AND fence = ?") + extraWhere;
    try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
      int i = 1;
      for (Object p : params) ps.setObject(i++, p);
      ps.setLong(i++, id);
      ps.setString(i++, from.wire());
      if (fence != null) ps.setLong(i, fence);
      if (ps.executeUpdate() == 0) return Optional.empty();
    }
    TaskEvent event = EventRows.append(tx, id, type, now, output);
    if (event.state().isTerminal()) endPending(tx, event.sessionKey());
    return Optional.of(new Changed(event.taskId(), event.state(), event));
  }
}
