package dev.tasklane.store;

import dev.tasklane.core.Task;
import dev.tasklane.store.Transitions.Claimed;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Claiming queued tasks for a worker: the highest priority first, oldest first within a priority,
 * skipping tasks whose session already runs as many exclusive tasks as it may, and kinds at their
 * limit.
 */
final class ClaimSql {
  /** How many queued rows to look at per task wanted: sessions at their limit are skipped over. */
  private static final int LOOKAHEAD = 4;

  private ClaimSql() {}

  static List<Claimed> claim(Connection c, ClaimRequest r, Instant now) throws SQLException {
    int max = r.capacity().getAsInt();
    if (max <= 0 || r.kinds().isEmpty()) return List.of();
    Map<String, Integer> sessionRunning = new HashMap<>();
    Map<String, Integer> kindRunning = r.perKind().isEmpty() ? Map.of() : runningByKind(c);
    List<Claimed> claimed = new ArrayList<>();
    for (Candidate cand : candidates(c, r, max, now)) {
      if (claimed.size() >= max) break;
      Task t = cand.task;
      if (t.exclusive()) {
        int running = sessionRunning.computeIfAbsent(t.sessionKey(), s -> cand.sessionRunning);
        if (running >= r.perSession()) continue;
      }
      Integer kindLimit = r.perKind().get(t.kind());
      if (kindLimit != null && kindRunning.getOrDefault(t.kind(), 0) >= kindLimit) continue;
      var changed = Transitions.claim(c, t, cand.fence, cand.lastSeq, r.owner(), now, now.plus(r.lease()));
      if (changed.isEmpty()) continue;
      claimed.add(changed.get());
      if (t.exclusive()) sessionRunning.merge(t.sessionKey(), 1, Integer::sum);
      if (kindLimit != null) kindRunning.merge(t.kind(), 1, Integer::sum);
    }
    return claimed;
  }

  private record Candidate(Task task, long fence, long lastSeq, int sessionRunning) {}

  private static List<Candidate> candidates(Connection c, ClaimRequest r, int max, Instant now)
      throws SQLException {
    String kinds = String.join(", ", r.kinds().stream().map(k -> "?").toList());
    // The correlated count skips, in SQL, the queued tasks of sessions already at their limit, so one
    // busy session's backlog cannot hide the other sessions' work from the LIMIT.
    String sql = "SELECT " + TaskRows.COLUMNS + ","
        + " (SELECT COUNT(*) FROM tasks r WHERE r.session_key = t.session_key AND r.state = 'running'"
        + "  AND r.exclusive = 1) AS session_running"
        // "+t.not_before": keeps SQLite from picking the (state, not_before) index, which would
        // make it sort every queued task; walking tasks_queue in order stops after LIMIT rows.
        + " FROM tasks t WHERE t.state = 'queued' AND t.waiting_on = 0 AND +t.not_before <= ?"
        + " AND t.kind IN (" + kinds + ")"
        + " AND (t.exclusive = 0 OR (SELECT COUNT(*) FROM tasks r WHERE r.session_key = t.session_key"
        + "  AND r.state = 'running' AND r.exclusive = 1) < ?)"
        + " ORDER BY t.priority DESC, t.id LIMIT ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      ps.setLong(i++, now.toEpochMilli());
      for (String k : r.kinds()) ps.setString(i++, k);
      ps.setInt(i++, r.perSession());
      ps.setInt(i, max * LOOKAHEAD);
      List<Candidate> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Candidate(TaskRows.map(rs), rs.getLong("fence"), rs.getLong("last_seq"),
              rs.getInt("session_running")));
        }
      }
      return out;
    }
  }

  private static Map<String, Integer> runningByKind(Connection c) throws SQLException {
    Map<String, Integer> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT kind, COUNT(*) FROM tasks WHERE state = 'running' GROUP BY kind");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.put(rs.getString(1), rs.getInt(2));
    }
    return out;
  }
}
