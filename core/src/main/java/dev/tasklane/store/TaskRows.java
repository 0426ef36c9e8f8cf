package dev.tasklane.store;

import dev.tasklane.core.Lease;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reading task rows into {@link Task} values. */
final class TaskRows {
  static final String COLUMNS =
      "id, session_key, kind, input, state, priority, attempt, max_attempts, created_at, not_before, started_at,"
          + " finished_at, expires_at, deadline_ms, lease_owner, lease_until, fence, progress, result, error,"
          + " idempotency_key, parent_id, depends_on, origin, cancel_requested_at, exclusive, last_seq";

  private TaskRows() {}

  static Task map(ResultSet rs) throws SQLException {
    TaskState state = TaskState.fromWire(rs.getString("state"));
    String owner = rs.getString("lease_owner");
    Lease lease = state == TaskState.RUNNING && owner != null
        ? new Lease(owner, instant(rs, "lease_until"), rs.getLong("fence"))
        : null;
    long parent = rs.getLong("parent_id");
    return new Task(
        TaskId.of(rs.getLong("id")),
        rs.getString("session_key"),
        rs.getString("kind"),
        Json.tree(rs.getString("input")),
        state,
        rs.getInt("priority"),
        rs.getInt("attempt"),
        rs.getInt("max_attempts"),
        instant(rs, "created_at"),
        instant(rs, "not_before"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        instant(rs, "expires_at"),
        Duration.ofMillis(rs.getLong("deadline_ms")),
        lease,
        Json.progress(rs.getString("progress")),
        Json.tree(rs.getString("result")),
        Json.error(rs.getString("error")),
        rs.getString("idempotency_key"),
        parent == 0 ? null : TaskId.of(parent),
        ids(rs.getString("depends_on")),
        Json.origin(rs.getString("origin")),
        instant(rs, "cancel_requested_at"),
        rs.getInt("exclusive") != 0);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  static List<TaskId> ids(String json) {
    if (json == null) return List.of();
    List<TaskId> out = new ArrayList<>();
    Json.tree(json).forEach(n -> out.add(TaskId.of(n.asLong())));
    return out;
  }

  static String idsJson(List<TaskId> ids) {
    if (ids.isEmpty()) return null;
    return Json.write(ids.stream().map(TaskId::value).toList());
  }

  static Optional<Task> find(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tasks WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(map(rs)) : Optional.empty();
      }
    }
  }

  static List<Task> mapAll(PreparedStatement ps) throws SQLException {
    List<Task> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.add(map(rs));
    }
    return out;
  }

  /** Binds parameters in order; nulls as SQL NULL. */
  static void bind(PreparedStatement ps, Object... values) throws SQLException {
    for (int i = 0; i < values.length; i++) ps.setObject(i + 1, values[i]);
  }
}
