package dev.tasklane.store;

import dev.tasklane.core.Lease;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Reading task rows into {@link Task} values. */
final class TaskRows {
  static final String COLUMNS =
      "id, session_key, kind, input, state, priority, attempt, max_attempts, created_at, not_before, started_at,"
          + " finished_at, expires_at, deadline_ms, lease_owner, lease_until, fence, progress, result, error,"
          + " idempotency_key, parent_id, depends_on, origin, cancel_requested_at, exclusive, last_seq,"
          + " waiting_on";

  private TaskRows() {}

  /**
   * A task row's {@link #COLUMNS} as the driver returned them, not yet turned into a {@link Task}:
   * the writer thread reads claimed rows this way and leaves the JSON parsing to the caller.
   */
  record Raw(Object[] values) {
    /** Reads the row's first columns by position: by name costs the driver a native call per column. */
    static Raw read(ResultSet rs) throws SQLException {
      Object[] v = new Object[COLUMN_COUNT];
      for (int i = 0; i < COLUMN_COUNT; i++) v[i] = rs.getObject(i + 1);
      return new Raw(v);
    }

    long id() {
      return number(1);
    }

    String sessionKey() {
      return text(2);
    }

    String progressJson() {
      return text(18);
    }

    long lastSeq() {
      return number(27);
    }

    private String text(int column) {
      return (String) values[column - 1];
    }

    private long number(int column) {
      return values[column - 1] == null ? 0 : ((Number) values[column - 1]).longValue();
    }

    private Instant instant(int column) {
      return values[column - 1] == null ? null : Instant.ofEpochMilli(number(column));
    }
  }

  static final int COLUMN_COUNT = 28;

  static Task map(ResultSet rs) throws SQLException {
    return map(Raw.read(rs));
  }

  static Task map(Raw r) {
    TaskState state = TaskState.fromWire(r.text(5));
    String owner = r.text(15);
    Lease lease = state == TaskState.RUNNING && owner != null ? new Lease(owner, r.instant(16), r.number(17)) : null;
    long parent = r.number(22);
    return new Task(
        TaskId.of(r.number(1)),
        r.text(2),
        r.text(3),
        Json.tree(r.text(4)),
        state,
        (int) r.number(6),
        (int) r.number(7),
        (int) r.number(8),
        r.instant(9),
        r.instant(10),
        r.instant(11),
        r.instant(12),
        r.instant(13),
        Duration.ofMillis(r.number(14)),
        lease,
        Json.progress(r.text(18)),
        Json.tree(r.text(19)),
        Json.error(r.text(20)),
        r.text(21),
        parent == 0 ? null : TaskId.of(parent),
        ids(r.text(23)),
        Json.origin(r.text(24)),
        r.instant(25),
        r.number(26) != 0,
        (int) r.number(28));
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

  /** {@code value}, {@code times} times: a session key for each parameter of a {@link SessionIndex#taskIds()}. */
  static Object[] repeat(Object value, int times) {
    Object[] out = new Object[times];
    java.util.Arrays.fill(out, value);
    return out;
  }

  /** {@code first}'s values, then {@code more}. */
  static Object[] concat(Object[] first, Object... more) {
    Object[] out = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, out, first.length, more.length);
    return out;
  }

  /** {@code n} parameter marks for an {@code IN (...)} list: {@code ?, ?, ?}. */
  static String marks(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  /**
   * Runs {@code ps} and returns its first result set: the text may put statements that return none
   * (settings) before or after the query, sent in the same round trip.
   */
  static ResultSet firstResultSet(PreparedStatement ps) throws SQLException {
    boolean isResultSet = ps.execute();
    while (!isResultSet) {
      if (ps.getUpdateCount() == -1) throw new SQLException("the statement returned no result set");
      isResultSet = ps.getMoreResults();
    }
    return ps.getResultSet();
  }

  /** Runs {@code statements} (that return nothing, such as settings), if there are any. */
  static void run(Connection c, String statements) throws SQLException {
    if (statements.isEmpty()) return;
    try (Statement st = c.createStatement()) {
      st.execute(statements);
    }
  }

  /** Binds parameters in order; nulls as SQL NULL. */
  static void bind(PreparedStatement ps, Object... values) throws SQLException {
    for (int i = 0; i < values.length; i++) ps.setObject(i + 1, values[i]);
  }
}
