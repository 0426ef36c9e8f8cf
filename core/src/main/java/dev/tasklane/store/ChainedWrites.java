package dev.tasklane.store;

import dev.tasklane.core.EventType;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import dev.tasklane.store.Transitions.Changed;
import dev.tasklane.store.Transitions.Claimed;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A claim's and a batch of completions' writes as one statement each, where the database can chain
 * them ({@link Dialect#writesInOneStatement}): the tasks' rows change, their events go in with ids
 * the database hands out, and the sessions' pending counts follow, in one round trip instead of four
 * to six. The rows written are the same as the statements one by one write, and the events' ids
 * follow the same order: the claim's, and the completions' as they came.
 */
final class ChainedWrites {
  private ChainedWrites() {}

  /**
   * {@link Transitions#claim}: queued → running for {@code ids}, with a {@code started} event each;
   * then {@code then} (statements that return nothing) in the same round trip.
   */
  static Claimed claim(Tx tx, List<Long> ids, String owner, Instant now, Instant leaseUntil, String then)
      throws SQLException {
    String sql = "WITH chosen AS " + tx.dialect().idsOf() + ","
        + " done AS (UPDATE tasks SET state = 'running', attempt = attempt + 1, started_at = ?, lease_owner = ?,"
        + " lease_until = ?, fence = fence + 1, cancel_requested_at = NULL, last_seq = last_seq + 1"
        + " WHERE id IN (SELECT id FROM chosen) AND state = 'queued' RETURNING " + TaskRows.COLUMNS + "),"
        // Each chosen task in turn, in the claim's order, without a sort: the planner is told not to
        // sort while a claim runs, and a plan it was told to avoid costs enough to be compiled (JIT).
        + " started AS (INSERT INTO task_events (task_id, session_key, seq, type, state, at, payload)"
        + " SELECT d.id, d.session_key, d.last_seq, 'started', 'running', ?,"
        + " " + EventRows.Body.startedSql("d")
        + " FROM chosen c, LATERAL (SELECT * FROM done WHERE done.id = c.id OFFSET 0) d RETURNING id, task_id)"
        + " SELECT d.*, s.id FROM done d JOIN started s ON s.task_id = d.id" + (then.isEmpty() ? "" : "; " + then);
    Map<Long, TaskRows.Raw> byId = new HashMap<>();
    Map<Long, Long> eventIds = new HashMap<>();
    try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
      TaskRows.bind(ps, ids.toString(), now.toEpochMilli(), owner, leaseUntil.toEpochMilli(), now.toEpochMilli());
      try (ResultSet rs = TaskRows.firstResultSet(ps)) {
        while (rs.next()) {
          TaskRows.Raw row = TaskRows.Raw.read(rs);
          byId.put(row.id(), row);
          eventIds.put(row.id(), rs.getLong(TaskRows.COLUMN_COUNT + 1));
        }
      }
    }
    List<TaskRows.Raw> rows = new ArrayList<>(byId.size());
    List<Changed> changes = new ArrayList<>(byId.size());
    for (long id : ids) {
      TaskRows.Raw row = byId.get(id);
      if (row == null) continue; // another node's claim won it
      rows.add(row);
      long eventId = eventIds.get(id);
      tx.rows().inserted(Rows.Table.EVENTS, eventId);
      changes.add(new Changed(TaskId.of(id), TaskState.RUNNING, EventRows.event(eventId, id, row.sessionKey(),
          row.lastSeq(), EventType.STARTED, TaskState.RUNNING, now, EventRows.Body.started(row.progressJson()))));
    }
    return new Claimed(rows, changes);
  }

  /** A completion to write: the task, its attempt's fence, the result and its event's body. */
  record Completion(long id, long fence, String resultJson, EventRows.Body body, Instant at) {}

  /** What {@link #complete} wrote: the events of the tasks it completed, and which have dependents. */
  record Completed(Map<Long, TaskEvent> events, List<Long> withDependents) {}

  /**
   * running → completed for each of {@code completions} (one per task) whose attempt still runs
   * under its fence; the sessions' pending counts go down, and rows that reach 0 go.
   */
  static Completed complete(Tx tx, List<Completion> completions) throws SQLException {
    String sql = "WITH c AS (SELECT * FROM unnest(CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS text[]),"
        + " CAST(? AS text[]), CAST(? AS bigint[])) WITH ORDINALITY AS c(id, fence, result, payload, at, pos)),"
        + " done AS (UPDATE tasks t SET state = 'completed', finished_at = c.at, result = c.result,"
        + " lease_until = NULL, error = NULL, last_seq = t.last_seq + 1 FROM c"
        + " WHERE t.id = c.id AND t.state = 'running' AND t.fence = c.fence"
        + " RETURNING t.id, t.session_key, t.last_seq, c.payload, c.at, c.pos),"
        + " events AS (INSERT INTO task_events (task_id, session_key, seq, type, state, at, payload)"
        + " SELECT id, session_key, last_seq, 'completed', 'completed', at, payload FROM done ORDER BY pos"
        + " RETURNING id, task_id),"
        + " ended AS (SELECT session_key, COUNT(*) AS n FROM done GROUP BY session_key),"
        + " counted AS (UPDATE session_pending p SET pending = p.pending - e.n FROM ended e"
        + " WHERE p.session_key = e.session_key AND p.pending > e.n),"
        + " emptied AS (DELETE FROM session_pending p USING ended e"
        + " WHERE p.session_key = e.session_key AND p.pending <= e.n)"
        + " SELECT d.id, d.session_key, d.last_seq, e.id,"
        + " EXISTS (SELECT 1 FROM task_dependencies x WHERE x.depends_on = d.id)"
        + " FROM done d JOIN events e ON e.task_id = d.id";
    int n = completions.size();
    Long[] ids = new Long[n];
    Long[] fences = new Long[n];
    String[] results = new String[n];
    String[] payloads = new String[n];
    Long[] ats = new Long[n];
    Map<Long, Completion> byId = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Completion c = completions.get(i);
      ids[i] = c.id();
      fences[i] = c.fence();
      results[i] = c.resultJson();
      payloads[i] = c.body().json();
      ats[i] = c.at().toEpochMilli();
      byId.put(c.id(), c);
    }
    Map<Long, TaskEvent> events = new HashMap<>();
    List<Long> withDependents = new ArrayList<>();
    try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
      ps.setArray(1, array(tx, "bigint", ids));
      ps.setArray(2, array(tx, "bigint", fences));
      ps.setArray(3, array(tx, "text", results));
      ps.setArray(4, array(tx, "text", payloads));
      ps.setArray(5, array(tx, "bigint", ats));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long id = rs.getLong(1);
          long eventId = rs.getLong(4);
          Completion c = byId.get(id);
          tx.rows().inserted(Rows.Table.EVENTS, eventId);
          events.put(id, EventRows.event(eventId, id, rs.getString(2), rs.getLong(3), EventType.COMPLETED,
              TaskState.COMPLETED, c.at(), c.body()));
          if (rs.getBoolean(5)) withDependents.add(id);
        }
      }
    }
    return new Completed(events, withDependents);
  }

  private static Array array(Tx tx, String type, Object[] values) throws SQLException {
    return tx.connection().createArrayOf(type, values);
  }
}
