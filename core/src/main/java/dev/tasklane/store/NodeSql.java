package dev.tasklane.store;

import dev.tasklane.core.Node;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The nodes' rows ({@code task_nodes}): each node's heartbeat, and the cluster view. */
final class NodeSql {
  private NodeSql() {}

  /** Records that {@code node} runs (first beat: it started now), or clears an earlier stop. */
  static void beat(Tx tx, String node, int workers, Instant now, boolean starting) throws SQLException {
    try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO task_nodes"
        + " (node_id, workers, started_at, heartbeat_at, stopped_at) VALUES (?, ?, ?, ?, NULL)"
        + " ON CONFLICT (node_id) DO UPDATE SET workers = excluded.workers, heartbeat_at = excluded.heartbeat_at,"
        + " stopped_at = NULL" + (starting ? ", started_at = excluded.started_at" : ""))) {
      TaskRows.bind(ps, node, workers, now.toEpochMilli(), now.toEpochMilli());
      ps.executeUpdate();
    }
  }

  static void stopped(Tx tx, String node, Instant now) throws SQLException {
    try (PreparedStatement ps = tx.connection().prepareStatement(
        "UPDATE task_nodes SET stopped_at = ?, heartbeat_at = ? WHERE node_id = ?")) {
      TaskRows.bind(ps, now.toEpochMilli(), now.toEpochMilli(), node);
      ps.executeUpdate();
    }
  }

  /** Forgets nodes not heard of since {@code before}. */
  static int forget(Tx tx, Instant before) throws SQLException {
    try (PreparedStatement ps = tx.connection().prepareStatement("DELETE FROM task_nodes WHERE heartbeat_at < ?")) {
      ps.setLong(1, before.toEpochMilli());
      return ps.executeUpdate();
    }
  }

  /**
   * Every node known, with the tasks running under its lease: nodes alive first, then by id. A node
   * is alive while it has not stopped and its last heartbeat is younger than {@code silence}.
   */
  static List<Node> all(Connection c, Instant now, Duration silence) throws SQLException {
    List<Node> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT n.node_id, n.workers, n.started_at, n.heartbeat_at,"
        + " n.stopped_at, (SELECT COUNT(*) FROM tasks t WHERE t.state = 'running' AND t.lease_owner = n.node_id)"
        + " FROM task_nodes n ORDER BY n.node_id")) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Instant beat = Instant.ofEpochMilli(rs.getLong(4));
          rs.getLong(5);
          boolean alive = rs.wasNull() && beat.plus(silence).isAfter(now);
          out.add(new Node(rs.getString(1), rs.getInt(2), Instant.ofEpochMilli(rs.getLong(3)), beat, alive,
              rs.getLong(6)));
        }
      }
    }
    out.sort((a, b) -> a.alive() == b.alive() ? a.id().compareTo(b.id()) : a.alive() ? -1 : 1);
    return out;
  }
}
