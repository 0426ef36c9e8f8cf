package dev.tasklane.gateway.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.engine.Lane;
import dev.tasklane.gateway.api.Json;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /healthz}: the database answers a query and the lane takes work; which node this is,
 * what it runs, and the cluster view (every node sharing the database).
 */
public final class Health {
  private final Lane lane;
  private final BooleanSupplier laneRunning;
  private final ClusterView cluster;

  public Health(Lane lane, BooleanSupplier laneRunning, ClusterView cluster) {
    this.lane = lane;
    this.laneRunning = laneRunning;
    this.cluster = cluster;
  }

  /** The report; {@code ok} is true only when every check passed (this node's, not the others'). */
  public ObjectNode check() {
    ObjectNode n = Json.object();
    boolean db = databaseReachable();
    boolean running = laneRunning.getAsBoolean();
    n.put("ok", db && running);
    n.put("database", db ? "ok" : "unreachable");
    n.put("lane", running ? "running" : "stopped");
    n.put("node", lane.config().nodeId());
    n.put("workers", lane.config().concurrency());
    n.put("runningHere", lane.runningHere());
    if (db) n.set("cluster", cluster.json());
    return n;
  }

  private boolean databaseReachable() {
    try {
      return lane.database().read(tx -> {
        try (Statement st = tx.connection().createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
          return rs.next();
        }
      });
    } catch (RuntimeException e) {
      return false;
    }
  }
}
