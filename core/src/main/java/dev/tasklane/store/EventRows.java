package dev.tasklane.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.core.EventType;
import dev.tasklane.core.Progress;
import dev.tasklane.core.TaskError;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Appending and reading task events. The task row's {@code last_seq} is the seq of its latest event. */
final class EventRows {
  private static final String COLUMNS = "id, task_id, session_key, seq, type, state, at, payload";

  static final InsertShape ROW = new InsertShape(
      "INSERT INTO task_events (id, task_id, session_key, seq, type, state, at, payload) VALUES ",
      "(?, ?, ?, ?, ?, ?, ?, ?)", 8);

  private EventRows() {}

  /**
   * An event's payload, typed and as the JSON stored, built by the caller that knows what it wrote:
   * nothing is parsed back on the writer thread.
   */
  record Body(String json, Progress progress, JsonNode result, TaskError error, String output) {
    static final Body EMPTY = new Body(null, null, null, null, null);

    /** A completion's body; {@code resultJson} is {@code result} already serialized. */
    static Body result(JsonNode result, String resultJson) {
      return new Body("{\"result\":" + resultJson + "}", null, result, null, null);
    }

    /** A start's body: the progress the task had reported before, if any (an earlier attempt's). */
    static Body started(String progressJson) {
      return progressJson == null ? EMPTY
          : new Body("{\"progress\":" + progressJson + "}", Json.progress(progressJson), null, null, null);
    }

    /** {@link #started}'s JSON as SQL, from the {@code progress} column of the task row {@code alias}. */
    static String startedSql(String alias) {
      return "CASE WHEN " + alias + ".progress IS NULL THEN NULL ELSE '{\"progress\":' || " + alias
          + ".progress || '}' END";
    }
  }

  /**
   * Appends the event for a change just made to task {@code id}: its seq is the row's advanced
   * {@code last_seq}; the payload carries the progress while running, the result of a completion,
   * the error of a failure.
   */
  static TaskEvent append(Tx tx, long id, EventType type, Instant at, String output) throws SQLException {
    String session;
    TaskState state;
    long seq;
    String progress;
    String result;
    String error;
    try (PreparedStatement ps = tx.connection().prepareStatement(
        "SELECT session_key, state, last_seq, progress, result, error FROM tasks WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        session = rs.getString(1);
        state = TaskState.fromWire(rs.getString(2));
        seq = rs.getLong(3);
        progress = rs.getString(4);
        result = rs.getString(5);
        error = rs.getString(6);
      }
    }
    ObjectNode payload = Json.object();
    Progress p = null;
    JsonNode r = null;
    TaskError e = null;
    if (progress != null && (type == EventType.PROGRESS || state == TaskState.RUNNING)) {
      payload.set("progress", Json.tree(progress));
      p = Json.progress(progress);
    }
    if (result != null && type == EventType.COMPLETED) {
      r = Json.tree(result);
      payload.set("result", r);
    }
    if (error != null && (type == EventType.FAILED || type == EventType.RETRYING
        || type == EventType.CANCELED || type == EventType.EXPIRED)) {
      payload.set("error", Json.tree(error));
      e = Json.error(error);
    }
    if (output != null) payload.put("output", output);
    Body body = payload.isEmpty() ? Body.EMPTY : new Body(Json.write(payload), p, r, e, output);
    return insert(tx, id, session, seq, type, state, at, body);
  }

  /**
   * Appends an event whose body the caller built, for a change just made to task {@code id}: the
   * session and seq read from the row, the event inserted with the batch's others (in an appending
   * unit) or at once. Not one {@code INSERT ... SELECT ... RETURNING}: such an insert cannot wait
   * in the buffer, and through the driver a {@code RETURNING} costs more than the insert itself.
   */
  static TaskEvent appendBuilt(Tx tx, long id, EventType type, TaskState state, Instant at, Body body)
      throws SQLException {
    String session;
    long seq;
    try (PreparedStatement ps = tx.connection().prepareStatement("SELECT session_key, last_seq FROM tasks WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) throw new IllegalStateException("no task " + id + " to append an event to");
        session = rs.getString(1);
        seq = rs.getLong(2);
      }
    }
    return insert(tx, id, session, seq, type, state, at, body);
  }

  /** Inserts an event whose fields the caller already knows (perhaps at the end of an appending unit's batch). */
  static TaskEvent insert(Tx tx, long id, String session, long seq, EventType type, TaskState state,
      Instant at, Body body) throws SQLException {
    long eventId = tx.rows().reserveId(Rows.Table.EVENTS);
    tx.rows().insert(ROW, eventId, id, session, seq, type.wire(), state.wire(), at.toEpochMilli(), body.json());
    return event(eventId, id, session, seq, type, state, at, body);
  }

  /** The event just written, from what the writer knows: nothing read back. */
  static TaskEvent event(long eventId, long taskId, String session, long seq, EventType type,
      TaskState state, Instant at, Body body) {
    return new TaskEvent(eventId, TaskId.of(taskId), session, seq, type, state, Instant.ofEpochMilli(at.toEpochMilli()),
        body.progress(), body.result(), body.error(), body.output());
  }

  static List<TaskEvent> forTask(Connection c, long taskId, long afterSeq, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT " + COLUMNS + " FROM task_events WHERE task_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
      TaskRows.bind(ps, taskId, afterSeq, limit);
      return mapAll(ps);
    }
  }

  /** Events with ids in ({@code afterId}, {@code upTo}], of one session or (sessionKey null) of all. */
  static List<TaskEvent> after(Connection c, SessionIndex sessions, String sessionKey, long afterId, long upTo,
      int limit) throws SQLException {
    String sql = sessionKey == null
        ? "SELECT " + COLUMNS + " FROM task_events WHERE id > ? AND id <= ? ORDER BY id LIMIT ?"
        : "SELECT " + COLUMNS + " FROM task_events WHERE task_id IN (" + sessions.taskIds() + ")"
            + " AND id > ? AND id <= ? ORDER BY id LIMIT ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (sessionKey == null) TaskRows.bind(ps, afterId, upTo, limit);
      else TaskRows.bind(ps, TaskRows.concat(TaskRows.repeat(sessionKey, sessions.parameters()), afterId, upTo, limit));
      return mapAll(ps);
    }
  }

  static long lastId(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(id), 0) FROM task_events");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<TaskEvent> mapAll(PreparedStatement ps) throws SQLException {
    List<TaskEvent> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(toEvent(rs.getLong("id"), rs.getLong("task_id"), rs.getString("session_key"), rs.getLong("seq"),
            EventType.fromWire(rs.getString("type")), TaskState.fromWire(rs.getString("state")), rs.getLong("at"),
            rs.getString("payload")));
      }
    }
    return out;
  }

  private static TaskEvent toEvent(
      long id, long taskId, String session, long seq, EventType type, TaskState state, long at, String payload) {
    JsonNode p = payload == null ? Json.object() : Json.tree(payload);
    Progress progress = p.has("progress") ? Json.MAPPER.convertValue(p.get("progress"), Progress.class) : null;
    TaskError error = p.has("error") ? Json.MAPPER.convertValue(p.get("error"), TaskError.class) : null;
    return new TaskEvent(id, TaskId.of(taskId), session, seq, type, state, Instant.ofEpochMilli(at), progress,
        p.get("result"), error, p.has("output") ? p.get("output").asText() : null);
  }
}
