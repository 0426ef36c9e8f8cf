package dev.tasklane.store;

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

/**
 * Claiming queued tasks for a worker: the highest priority first, oldest first within a priority,
 * skipping tasks whose session already runs as many exclusive tasks as it may, and kinds at their
 * limit.
 */
final class ClaimSql {
  /**
   * How many queued rows to look at per task wanted. Sessions already at their limit are skipped in
   * SQL; the extra rows cover a session that reaches its limit within this claim (two of its tasks
   * in a row) and kinds at their limit.
   */
  private static final int LOOKAHEAD = 2;

  private ClaimSql() {}

  static Claimed claim(Connection c, ClaimRequest r, Instant now) throws SQLException {
    int max = r.capacity().getAsInt();
    if (max <= 0 || r.kinds().isEmpty()) return new Claimed(List.of(), List.of());
    Map<String, Integer> sessionRunning = runningBySession(c);
    Map<String, Integer> kindRunning = r.perKind().isEmpty() ? Map.of() : runningByKind(c);
    List<Long> chosen = new ArrayList<>();
    for (Candidate cand : candidates(c, r, max, now)) {
      if (chosen.size() >= max) break;
      if (cand.exclusive && sessionRunning.getOrDefault(cand.session, 0) >= r.perSession()) continue;
      Integer kindLimit = r.perKind().get(cand.kind);
      if (kindLimit != null && kindRunning.getOrDefault(cand.kind, 0) >= kindLimit) continue;
      chosen.add(cand.id);
      if (cand.exclusive) sessionRunning.merge(cand.session, 1, Integer::sum);
      if (kindLimit != null) kindRunning.merge(cand.kind, 1, Integer::sum);
    }
    if (chosen.isEmpty()) return new Claimed(List.of(), List.of());
    return Transitions.claim(c, chosen, r.owner(), now, now.plus(r.lease()));
  }

  /** A queued task's few columns the claim decides on; full rows are read only for tasks claimed. */
  private record Candidate(long id, String session, String kind, boolean exclusive) {}

  private static List<Candidate> candidates(Connection c, ClaimRequest r, int max, Instant now)
      throws SQLException {
    String kinds = String.join(", ", r.kinds().stream().map(k -> "?").toList());
    // The subquery skips, in SQL, the queued tasks of sessions already at their limit, so one busy
    // session's backlog cannot hide the other sessions' work from the LIMIT. It does not depend on
    // the row, so it is evaluated once per claim, not once per queued task.
    String sql = "SELECT t.id, t.session_key, t.kind, t.exclusive FROM tasks t"
        // "+t.not_before": keeps SQLite from picking the (state, not_before) index, which would
        // make it sort every queued task; walking tasks_queue in order stops after LIMIT rows.
        + " WHERE t.state = 'queued' AND t.waiting_on = 0 AND +t.not_before <= ?"
        + " AND t.kind IN (" + kinds + ")"
        + " AND (t.exclusive = 0 OR t.session_key NOT IN (SELECT r.session_key FROM tasks r"
        + "  WHERE r.state = 'running' AND r.exclusive = 1 GROUP BY +r.session_key HAVING COUNT(*) >= ?))"
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
          out.add(new Candidate(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4) != 0));
        }
      }
      return out;
    }
  }

  /**
   * Exclusive tasks running per session: few rows, as many as tasks run at once. ("+session_key":
   * grouping by the plain column makes SQLite walk the whole session index to save a sort.)
   */
  private static Map<String, Integer> runningBySession(Connection c) throws SQLException {
    return counts(c,
        "SELECT session_key, COUNT(*) FROM tasks WHERE state = 'running' AND exclusive = 1 GROUP BY +session_key");
  }

  private static Map<String, Integer> runningByKind(Connection c) throws SQLException {
    return counts(c, "SELECT kind, COUNT(*) FROM tasks WHERE state = 'running' GROUP BY kind");
  }

  /** A (key, count) query as a mutable map. */
  private static Map<String, Integer> counts(Connection c, String sql) throws SQLException {
    Map<String, Integer> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.put(rs.getString(1), rs.getInt(2));
    }
    return out;
  }
}
