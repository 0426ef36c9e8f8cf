package dev.tasklane.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.core.EventType;
import dev.tasklane.core.Progress;
import dev.tasklane.core.Task;
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
   * Appends the event that a transition just made: {@code task} is the row as updated, whose
   * {@code last_seq} was already advanced by the same statement.
   */
  static TaskEvent append(Connection c, Task task, long seq, EventType type, Instant at, String output)
      throws SQLException {
    ObjectNode payload = Json.object();
    if (type == EventType.PROGRESS || task.state() == TaskState.RUNNING && task.progress() != Progress.NONE) {
      payload.set("progress", Json.MAPPER.valueToTree(task.progress()));
    }
    if (task.result() != null && type == EventType.COMPLETED) payload.set("result", task.result());
    if (task.error() != null && (type == EventType.FAILED || type == EventType.RETRYING
        || type == EventType.CANCELED || type == EventType.EXPIRED)) {
      payload.set("error", Json.MAPPER.valueToTree(task.error()));
    }
    if (output != null) payload.put("output", output);
    String text = payload.isEmpty() ? null : Json.write(payload);
    long id;
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO task_events (task_id, session_key, seq, type, state, at, payload) VALUES (?, ?, ?, ?, ?, ?, ?)"
            + " RETURNING id")) {
      TaskRows.bind(ps, task.id().value(), task.sessionKey(), seq, type.wire(), task.state().wire(),
          at.toEpochMilli(), text);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        id = rs.getLong(1);
      }
    }
    return toEvent(id, task.id().value(), task.sessionKey(), seq, type, task.state(), at.toEpochMilli(), text);
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
        : "SELECT " + COLUMNS + " FROM task_events WHERE session_key = ? AND id > ? ORDER BY id LIMIT ?";
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
