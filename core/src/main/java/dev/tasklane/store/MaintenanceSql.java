package dev.tasklane.store;

import dev.tasklane.core.RetryPolicy;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskError;
import dev.tasklane.core.TaskId;
import dev.tasklane.store.TaskStore.Renewal;
import dev.tasklane.store.Transitions.Changed;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lane's housekeeping: leases, expiry, overdue cancels, retention, checkpoints. Every node runs
 * it: the rows a node changes are locked as it picks them, skipping rows another node holds (they
 * are that node's this time), and the purge runs on one node at a time.
 */
final class MaintenanceSql {
  private static final String TERMINAL = "('completed', 'failed', 'canceled', 'expired')";
  /** The lock a node takes while it purges ("tasklane purge" as a number). */
  static final long PURGE_LOCK = 0x746c2d7075726765L;

  private MaintenanceSql() {}

  static Renewal renew(Tx tx, String owner, Map<TaskId, Long> fences, Instant until) throws SQLException {
    List<TaskId> lost = new ArrayList<>();
    List<TaskId> cancel = new ArrayList<>();
    try (PreparedStatement ps = tx.connection().prepareStatement(
        "UPDATE tasks SET lease_until = ? WHERE id = ? AND state = 'running' AND fence = ? AND lease_owner = ?"
            + " RETURNING cancel_requested_at")) {
      for (var e : fences.entrySet()) {
        TaskRows.bind(ps, until.toEpochMilli(), e.getKey().value(), e.getValue(), owner);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            lost.add(e.getKey());
          } else {
            rs.getLong(1);
            if (!rs.wasNull()) cancel.add(e.getKey());
          }
        }
      }
    }
    return new Renewal(lost, cancel);
  }

  static List<Changed> reapLeases(Tx tx, Instant now, boolean all, RetryPolicy retries) throws SQLException {
    List<Task> orphans;
    try (PreparedStatement ps = tx.connection().prepareStatement("SELECT " + TaskRows.COLUMNS
        + " FROM tasks WHERE state = 'running'" + (all ? "" : " AND lease_until < ?")
        + tx.dialect().lockSkipLocked())) {
      if (!all) ps.setLong(1, now.toEpochMilli());
      orphans = TaskRows.mapAll(ps);
    }
    List<Changed> changes = new ArrayList<>();
    for (Task t : orphans) {
      long id = t.id().value();
      String owner = t.lease() == null ? "a worker" : t.lease().owner();
      if (t.cancelRequestedAt() != null) {
        changes.addAll(Transitions.cancelRunning(tx, id, null, "canceled; " + owner + " stopped responding", now));
        continue;
      }
      // Guarded by the fence read here: a node that renewed or finished meanwhile changes nothing.
      long fence = t.lease() == null ? 0 : t.lease().fence();
      switch (retries.afterLostLease(t, now)) {
        case RetryPolicy.Retry r ->
            Transitions.retry(tx, id, fence, r.error(), r.notBefore(), now, "lost").ifPresent(changes::add);
        case RetryPolicy.Fail f -> changes.addAll(Transitions.fail(tx, id, fence, f.error(), now));
      }
    }
    return changes;
  }

  /** Queued tasks past their expiry: found through an index of the few tasks that have one. */
  static final String EXPIRED = "SELECT id FROM tasks WHERE state = 'queued' AND expires_at <= ?";

  static List<Changed> expire(Tx tx, Instant now) throws SQLException {
    List<Changed> changes = new ArrayList<>();
    for (long id : ids(tx, EXPIRED + tx.dialect().lockSkipLocked(), now.toEpochMilli())) {
      changes.addAll(Transitions.expire(tx, id, now));
    }
    return changes;
  }

  static List<Changed> forceCancels(Tx tx, Instant now, Duration grace) throws SQLException {
    List<Changed> changes = new ArrayList<>();
    long cutoff = now.minus(grace).toEpochMilli();
    for (long id : ids(tx, "SELECT id FROM tasks WHERE state = 'running' AND cancel_requested_at <= ?"
        + tx.dialect().lockSkipLocked(), cutoff)) {
      changes.addAll(Transitions.cancelRunning(tx, id, null,
          "canceled; the handler did not stop within " + grace.toSeconds() + " s, its result will be discarded", now));
    }
    return changes;
  }

  static int purge(Tx tx, Instant before) throws SQLException {
    if (!tx.dialect().tryLockForTransaction(tx.connection(), PURGE_LOCK)) return 0; // another node purges
    String old = "SELECT id FROM tasks WHERE finished_at < ? AND state IN " + TERMINAL;
    long cutoff = before.toEpochMilli();
    tx.dialect().sessionIndex().forget(tx, old, cutoff);
    for (String table : List.of("task_events", "task_attempts", "task_dependencies")) {
      try (PreparedStatement ps = tx.connection().prepareStatement("DELETE FROM " + table + " WHERE task_id IN (" + old + ")")) {
        ps.setLong(1, cutoff);
        ps.executeUpdate();
      }
    }
    try (PreparedStatement ps = tx.connection().prepareStatement("DELETE FROM tasks WHERE id IN (" + old + ")")) {
      ps.setLong(1, cutoff);
      return ps.executeUpdate();
    }
  }

  static boolean saveCheckpoint(Tx tx, long id, long fence, String json) throws SQLException {
    try (PreparedStatement ps = tx.connection().prepareStatement(
        "UPDATE tasks SET checkpoint = ? WHERE id = ? AND state = 'running' AND fence = ?")) {
      TaskRows.bind(ps, json, id, fence);
      return ps.executeUpdate() == 1;
    }
  }

  static Optional<String> checkpoint(Tx tx, long id) throws SQLException {
    try (PreparedStatement ps = tx.connection().prepareStatement("SELECT checkpoint FROM tasks WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    }
  }

  private static List<Long> ids(Tx tx, String sql, long param) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
      ps.setLong(1, param);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getLong(1));
      }
    }
    return out;
  }
}
