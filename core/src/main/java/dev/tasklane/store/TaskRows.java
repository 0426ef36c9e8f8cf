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

  /**
   * Maps a row whose first columns are {@link #COLUMNS}, by position: looking columns up by name
   * costs the SQLite driver a native call per column for every result set.
   */
  static Task map(ResultSet rs) throws SQLException {
    TaskState state = TaskState.fromWire(rs.getString(5));
    String owner = rs.getString(15);
    Lease lease = state == TaskState.RUNNING && owner != null ? new Lease(owner, instant(rs, 16), rs.getLong(17)) : null;
    long parent = rs.getLong(22);
    return new Task(
        TaskId.of(rs.getLong(1)),
        rs.getString(2),
        rs.getString(3),
        Json.tree(rs.getString(4)),
        state,
        rs.getInt(6),
        rs.getInt(7),
        rs.getInt(8),
        instant(rs, 9),
        instant(rs, 10),
        instant(rs, 11),
        instant(rs, 12),
        instant(rs, 13),
        Duration.ofMillis(rs.getLong(14)),
        lease,
        Json.progress(rs.getString(18)),
        Json.tree(rs.getString(19)),
        Json.error(rs.getString(20)),
        rs.getString(21),
        parent == 0 ? null : TaskId.of(parent),
        ids(rs.getString(23)),
        Json.origin(rs.getString(24)),
        instant(rs, 25),
        rs.getInt(26) != 0);
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
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
