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

  private EventRows() {}

  /**
   * Appends the event for a change just made to task {@code id}: its seq is the row's advanced
   * {@code last_seq}; the payload carries the progress while running, the result of a completion,
   * the error of a failure.
   */
  static TaskEvent append(Connection c, long id, EventType type, Instant at, String output) throws SQLException {
    String session;
    TaskState state;
    long seq;
    String progress;
    String result;
    String error;
    try (PreparedStatement ps = c.prepareStatement(
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
    if (progress != null && (type == EventType.PROGRESS || state == TaskState.RUNNING)) {
      payload.set("progress", Json.tree(progress));
    }
    if (result != null && type == EventType.COMPLETED) payload.set("result", Json.tree(result));
    if (error != null && (type == EventType.FAILED || type == EventType.RETRYING
        || type == EventType.CANCELED || type == EventType.EXPIRED)) {
      payload.set("error", Json.tree(error));
    }
    if (output != null) payload.put("output", output);
    return insert(c, id, session, seq, type, state, at, payload.isEmpty() ? null : Json.write(payload));
  }

  /** Inserts an event whose fields the caller already knows. */
  static TaskEvent insert(Connection c, long id, String session, long seq, EventType type, TaskState state,
      Instant at, String payload) throws SQLException {
    long eventId;
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO task_events (task_id, session_key, seq, type, state, at, payload) VALUES (?, ?, ?, ?, ?, ?, ?)"
            + " RETURNING id")) {
      TaskRows.bind(ps, id, session, seq, type.wire(), state.wire(), at.toEpochMilli(), payload);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        eventId = rs.getLong(1);
      }
    }
    return toEvent(eventId, id, session, seq, type, state, at.toEpochMilli(), payload);
  }

  static List<TaskEvent> forTask(Connection c, long taskId, long afterSeq, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT " + COLUMNS + " FROM task_events WHERE task_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
      TaskRows.bind(ps, taskId, afterSeq, limit);
      return mapAll(ps);
    }
  }

  /** Events after a global id, of one session or (sessionKey null) of all. */
  static List<TaskEvent> after(Connection c, String sessionKey, long afterId, int limit) throws SQLException {
    String sql = sessionKey == null
        ? "SELECT " + COLUMNS + " FROM task_events WHERE id > ? ORDER BY id LIMIT ?"
        : "SELECT " + COLUMNS + " FROM task_events WHERE task_id IN (SELECT id FROM tasks WHERE session_key = ?)"
            + " AND id > ? ORDER BY id LIMIT ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (sessionKey == null) TaskRows.bind(ps, afterId, limit);
      else TaskRows.bind(ps, sessionKey, afterId, limit);
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
