package dev.tasklane.store;

import dev.tasklane.store.Transitions.Claimed;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

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

  static Claimed claim(Tx tx, ClaimRequest r, Instant now) throws SQLException {
    int max = r.capacity().getAsInt();
    if (max <= 0 || r.kinds().isEmpty()) return new Claimed(List.of(), List.of());
    // The planner's settings travel with the statements they frame, in the same round trip: the
    // first read carries walkIndexes before it, the claim's write planAsUsual after it. (If a
    // statement fails, the unit's rollback undoes the settings too.)
    String planAsUsual = tx.dialect().planAsUsual();
    List<Candidate> candidates = candidates(tx, r, max, now);
    if (!candidates.isEmpty() && tx.dialect().concurrentWriters()) {
      candidates = inSessionsLockedHere(tx, r, now, candidates);
    }
    if (candidates.isEmpty()) return nothing(tx, planAsUsual);
    // Counted after the sessions are locked: another connection's claim in them has committed by now.
    Map<String, Integer> sessionRunning = runningBySession(tx);
    Map<String, Integer> kindRunning = r.perKind().isEmpty() ? Map.of() : runningByKind(tx);
    return choose(tx, r, max, now, candidates, sessionRunning, kindRunning, planAsUsual);
  }

  /** An empty claim; the planner's settings back as usual. */
  private static Claimed nothing(Tx tx, String planAsUsual) throws SQLException {
    TaskRows.run(tx.connection(), planAsUsual);
    return new Claimed(List.of(), List.of());
  }

  /**
   * Takes the candidates in order, while their session and kind are below their limits. A session
   * whose exclusive task is passed over (its kind at its limit) gives no later task to this claim:
   * a session's tasks start in their order.
   */
  private static Claimed choose(Tx tx, ClaimRequest r, int max, Instant now, List<Candidate> candidates,
      Map<String, Integer> sessionRunning, Map<String, Integer> kindRunning, String planAsUsual) throws SQLException {
    List<Long> chosen = new ArrayList<>();
    Set<String> passedOver = new HashSet<>();
    for (Candidate cand : candidates) {
      if (chosen.size() >= max) break;
      if (cand.exclusive && (passedOver.contains(cand.session)
          || sessionRunning.getOrDefault(cand.session, 0) >= r.perSession())) continue;
      Integer kindLimit = r.perKind().get(cand.kind);
      if (kindLimit != null && kindRunning.getOrDefault(cand.kind, 0) >= kindLimit) {
        if (cand.exclusive) passedOver.add(cand.session);
        continue;
      }
      chosen.add(cand.id);
      if (cand.exclusive) sessionRunning.merge(cand.session, 1, Integer::sum);
      if (kindLimit != null) kindRunning.merge(cand.kind, 1, Integer::sum);
    }
    if (chosen.isEmpty()) return nothing(tx, planAsUsual);
    return Transitions.claim(tx, chosen, r.owner(), now, now.plus(r.lease()), planAsUsual);
  }

  /**
   * With several writers, two claims could each count a session's running tasks before the other
   * commits, and together run more than its limit. So a claim locks the pending-count rows of the
   * sessions it takes exclusive tasks from, skipping sessions another claim holds, and keeps only the
   * candidates it may count: the limit holds across connections and nodes.
   *
   * <p>And the candidates skip the rows other claims hold: another claim may hold a session's first
   * task without taking it (it was over its capacity, or lost the session's lock), and taking that
   * session's next task would start it first. So for each session it locks, the claim reads the
   * first task it may run that is not among its candidates (a walk of the session's queue index from
   * its head, past only this claim's own candidates), and drops the candidates behind it: that task
   * goes first, to whichever claim gets it. One statement of fixed text (lists go in as JSON), so
   * the server plans it once; the walk is a lateral join, once per session for both of the columns
   * it reads. (Only with several writers: SQLite has no lateral join, and needs none of this.)
   */
  private static List<Candidate> inSessionsLockedHere(Tx tx, ClaimRequest r, Instant now, List<Candidate> candidates)
      throws SQLException {
    List<Candidate> exclusive = candidates.stream().filter(Candidate::exclusive).toList();
    if (exclusive.isEmpty()) return candidates;
    Dialect d = tx.dialect();
    String sql = "SELECT p.session_key, f.priority, f.id FROM session_pending p LEFT JOIN LATERAL"
        + " (SELECT t.priority, t.id FROM tasks t WHERE t.session_key = p.session_key AND t.state = 'queued'"
        + " AND t.exclusive = 1 AND t.waiting_on = 0 AND t.not_before <= ?"
        + " AND t.kind IN (SELECT value FROM " + d.textsOf() + " AS k)"
        + " AND t.id NOT IN (SELECT id FROM " + d.idsOf() + " AS c) ORDER BY t.priority DESC, t.id LIMIT 1) f ON TRUE"
        + " WHERE p.session_key IN (SELECT value FROM " + d.textsOf() + " AS s)" + d.lockSkipLockedOf("p");
    String kinds = Json.write(r.kinds());
    String ids = exclusive.stream().map(Candidate::id).toList().toString();
    String sessions = Json.write(exclusive.stream().map(Candidate::session).distinct().toList());
    Map<String, Candidate> locked = new HashMap<>();
    try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
      TaskRows.bind(ps, now.toEpochMilli(), kinds, ids, sessions);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long firstLeftOut = rs.getLong(3);
          Candidate first = rs.wasNull() ? NONE : new Candidate(firstLeftOut, null, null, rs.getInt(2), true);
          locked.put(rs.getString(1), first);
        }
      }
    }
    return candidates.stream().filter(c -> {
      if (!c.exclusive) return true;
      Candidate first = locked.get(c.session);
      return first != null && (first == NONE || c.before(first));
    }).toList();
  }

  /** No task of a locked session was left out of the candidates. */
  private static final Candidate NONE = new Candidate(0, null, null, 0, true);

  /** A queued task's few columns the claim decides on; full rows are read only for tasks claimed. */
  private record Candidate(long id, String session, String kind, int priority, boolean exclusive) {
    /** Whether this task comes before {@code other} in claim order: higher priority, then older. */
    boolean before(Candidate other) {
      return priority != other.priority ? priority > other.priority : id < other.id;
    }
  }

  private static List<Candidate> candidates(Tx tx, ClaimRequest r, int max, Instant now)
      throws SQLException {
    String kinds = TaskRows.marks(r.kinds().size());
    // The subquery skips, in SQL, the queued tasks of sessions already at their limit, so one busy
    // session's backlog cannot hide the other sessions' work from the LIMIT. It does not depend on
    // the row, so it is evaluated once per claim, not once per queued task.
    Dialect d = tx.dialect();
    String walkIndexes = d.walkIndexes().isEmpty() ? "" : d.walkIndexes() + "; ";
    String sql = walkIndexes + "SELECT t.id, t.session_key, t.kind, t.priority, t.exclusive FROM tasks t"
        // not_before without its index: SQLite would otherwise pick the (state, not_before) index and
        // sort every queued task; walking tasks_queue in order stops after LIMIT rows.
        + " WHERE t.state = 'queued' AND t.waiting_on = 0 AND " + d.noIndex("t.not_before") + " <= ?"
        + " AND t.kind IN (" + kinds + ")"
        + " AND (t.exclusive = 0 OR t.session_key NOT IN (SELECT r.session_key FROM tasks r"
        + "  WHERE r.state = 'running' AND r.exclusive = 1 GROUP BY " + d.noIndex("r.session_key")
        + " HAVING COUNT(*) >= ?))"
        + " ORDER BY t.priority DESC, t.id LIMIT ?" + d.lockSkipLocked();
    try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
      int i = 1;
      ps.setLong(i++, now.toEpochMilli());
      for (String k : r.kinds()) ps.setString(i++, k);
      ps.setInt(i++, r.perSession());
      ps.setInt(i, max * LOOKAHEAD);
      List<Candidate> out = new ArrayList<>();
      try (ResultSet rs = TaskRows.firstResultSet(ps)) {
        while (rs.next()) {
          out.add(new Candidate(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5) != 0));
        }
      }
      return out;
    }
  }

  /**
   * Exclusive tasks running per session: few rows, as many as tasks run at once. (Grouping by the
   * session without its index: otherwise SQLite walks the whole session index to save a sort.)
   */
  private static Map<String, Integer> runningBySession(Tx tx) throws SQLException {
    return counts(tx, "SELECT session_key, COUNT(*) FROM tasks WHERE state = 'running' AND exclusive = 1"
        + " GROUP BY " + tx.dialect().noIndex("session_key"));
  }

  private static Map<String, Integer> runningByKind(Tx tx) throws SQLException {
    return counts(tx, "SELECT kind, COUNT(*) FROM tasks WHERE state = 'running' GROUP BY kind");
  }

  /** A (key, count) query as a mutable map. */
  private static Map<String, Integer> counts(Tx tx, String sql) throws SQLException {
    Map<String, Integer> out = new HashMap<>();
    try (PreparedStatement ps = tx.connection().prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.put(rs.getString(1), rs.getInt(2));
    }
    return out;
  }
}
