package dev.tasklane.store;

import dev.tasklane.core.Attempt;
import dev.tasklane.core.Page;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.core.TaskState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Read-only queries: listings, queue positions, counts, attempts. */
final class QuerySql {
  private QuerySql() {}

  static Page<Task> list(Connection c, SessionIndex sessions, TaskQuery q) throws SQLException {
    StringBuilder where = new StringBuilder(" WHERE 1 = 1");
    List<Object> params = new ArrayList<>();
    if (q.sessionKey() != null) {
      where.append(" AND id IN (" + sessions.taskIds() + ")");
      for (int i = 0; i < sessions.parameters(); i++) params.add(q.sessionKey());
    }
    where.append(inScopes(q.sessionPrefixes(), params));
    if (!q.states().isEmpty()) {
      where.append(" AND state IN (").append(TaskRows.marks(q.states().size())).append(")");
      q.states().stream().map(TaskState::wire).sorted().forEach(params::add);
    }
    if (q.kind() != null) {
      where.append(" AND kind = ?");
      params.add(q.kind());
    }
    if (q.cursor() != null) {
      where.append(" AND id < ?");
      params.add(TaskId.parse(q.cursor()).value());
    }
    params.add(q.limit() + 1);
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT " + TaskRows.COLUMNS + " FROM tasks" + where + " ORDER BY id DESC LIMIT ?")) {
      TaskRows.bind(ps, params.toArray());
      List<Task> rows = TaskRows.mapAll(ps);
      if (rows.size() <= q.limit()) return new Page<>(rows, null);
      List<Task> page = rows.subList(0, q.limit());
      return new Page<>(page, page.get(page.size() - 1).id().toString());
    }
  }

  /**
   * {@code " AND (...)"} keeping sessions in one of {@code scopes} ({@link TaskQuery#inScope} in SQL),
   * or nothing for no scopes. substr, not LIKE: LIKE is case-insensitive on SQLite and treats % and _
   * as wildcards.
   */
  private static String inScopes(List<String> scopes, List<Object> params) {
    if (scopes.isEmpty()) return "";
    List<String> any = new ArrayList<>();
    for (String p : scopes) {
      if (TaskQuery.endsWithSeparator(p)) {
        any.add("substr(session_key, 1, ?) = ?");
        params.add(p.length());
        params.add(p);
      } else {
        any.add("session_key = ? OR substr(session_key, 1, ?) IN (?, ?)");
        params.add(p);
        params.add(p.length() + 1);
        params.add(p + ":");
        params.add(p + "/");
      }
    }
    return " AND (" + String.join(" OR ", any) + ")";
  }

  /**
   * Tasks that run before a queued one: the queued tasks ahead of it (higher priority, or older at
   * the same priority) of sessions in {@code scopes} (all when empty) that may start at {@code now}
   * (a task that waits for its start time or for other tasks does not hold up the ones behind it),
   * plus, for an exclusive task whose session already runs {@code perSession} exclusive tasks, the
   * ones of those that must finish first. -1 if it is not queued.
   */
  static long position(Connection c, long id, int cap, int perSession, List<String> scopes, Instant now)
      throws SQLException {
    Optional<Task> t = TaskRows.find(c, id);
    if (t.isEmpty() || t.get().state() != TaskState.QUEUED) return -1;
    int priority = t.get().priority();
    List<Object> params = new ArrayList<>(List.of(priority, priority, id, now.toEpochMilli()));
    String scope = inScopes(scopes, params);
    params.add(cap);
    long ahead;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT COUNT(*) FROM (SELECT 1 FROM tasks WHERE state = 'queued'"
            + " AND (priority > ? OR (priority = ? AND id < ?)) AND waiting_on = 0 AND not_before <= ?" + scope
            + " LIMIT ?) ahead")) {
      TaskRows.bind(ps, params.toArray());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        ahead = rs.getLong(1);
      }
    }
    if (!t.get().exclusive()) return ahead;
    // Not itself: a worker may have claimed it since it was read above.
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT COUNT(*) FROM tasks WHERE state = 'running' AND exclusive = 1 AND session_key = ? AND id <> ?")) {
      TaskRows.bind(ps, t.get().sessionKey(), id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long blocking = rs.getLong(1) - perSession + 1;
        return Math.min(cap, ahead + Math.max(0, blocking));
      }
    }
  }

  static Map<TaskState, Long> countByState(Connection c) throws SQLException {
    Map<TaskState, Long> out = new EnumMap<>(TaskState.class);
    for (TaskState s : TaskState.values()) out.put(s, 0L);
    try (PreparedStatement ps = c.prepareStatement("SELECT state, COUNT(*) FROM tasks GROUP BY state");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.put(TaskState.fromWire(rs.getString(1)), rs.getLong(2));
    }
    return out;
  }

  /**
   * Attempts that were followed by another (retried, lost) from their rows, and the task's last
   * attempt, running or ended, from the task row.
   */
  static List<Attempt> attempts(Connection c, long id) throws SQLException {
    List<Attempt> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT number, owner, started_at, finished_at, outcome, error"
        + " FROM task_attempts WHERE task_id = ? ORDER BY number")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Attempt(TaskId.of(id), rs.getInt("number"), rs.getString("owner"),
              TaskRows.instant(rs, "started_at"), TaskRows.instant(rs, "finished_at"), rs.getString("outcome"),
              Json.error(rs.getString("error"))));
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT attempt, lease_owner, started_at, finished_at, state, error FROM tasks WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return out;
        int number = rs.getInt("attempt");
        TaskState state = TaskState.fromWire(rs.getString("state"));
        boolean recorded = !out.isEmpty() && out.getLast().number() == number;
        // Queued (again) or ended before it started: its last attempt, if any, has a row.
        if (number == 0 || recorded || state == TaskState.QUEUED) return out;
        boolean running = state == TaskState.RUNNING;
        out.add(new Attempt(TaskId.of(id), number, rs.getString("lease_owner"), TaskRows.instant(rs, "started_at"),
            running ? null : TaskRows.instant(rs, "finished_at"), running ? null : state.wire(),
            running ? null : Json.error(rs.getString("error"))));
      }
    }
    return out;
  }

  static Optional<Instant> nextDue(Connection c, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT MIN(not_before) FROM tasks WHERE state = 'queued' AND not_before > ?")) {
      ps.setLong(1, now.toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long v = rs.getLong(1);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
      }
    }
  }
}
