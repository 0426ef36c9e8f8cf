package dev.tasklane.gateway.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.engine.Lane;
import dev.tasklane.gateway.api.Json;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.function.BooleanSupplier;

/** {@code GET /healthz}: the database answers a query and the lane takes work. */
public final class Health {
  private final Lane lane;
  private final BooleanSupplier laneRunning;

  public Health(Lane lane, BooleanSupplier laneRunning) {
    this.lane = lane;
    this.laneRunning = laneRunning;
  }

  /** The report; {@code ok} is true only when every check passed. */
  public ObjectNode check() {
    ObjectNode n = Json.object();
    boolean db = databaseReachable();
    boolean running = laneRunning.getAsBoolean();
    n.put("ok", db && running);
    n.put("database", db ? "ok" : "unreachable");
    n.put("lane", running ? "running" : "stopped");
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
