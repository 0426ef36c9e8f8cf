package dev.tasklane.gateway.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.engine.Lane;
import dev.tasklane.core.Node;
import dev.tasklane.gateway.api.Json;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The nodes sharing the database, as {@code /healthz} and {@code /metrics} show them: alive by their
 * last heartbeat, with the tasks running under each one's lease. Read from the database at most
 * once a second however often it is asked (each read is a query).
 */
public final class ClusterView {
  private static final Duration MAX_AGE = Duration.ofSeconds(1);

  private final Lane lane;
  private final Clock clock;
  private List<Node> nodes = List.of();
  private long readAt;
  private boolean read;
  private MultiGauge runningPerNode;
  private MultiGauge heartbeatAge;

  public ClusterView(Lane lane, Clock clock) {
    this.lane = lane;
    this.clock = clock;
  }

  /** The nodes known, or empty when the database does not answer. */
  public synchronized List<Node> nodes() {
    long now = clock.millis();
    if (!read || now - readAt >= MAX_AGE.toMillis()) {
      try {
        nodes = lane.nodes();
        read = true;
        readAt = now;
      } catch (RuntimeException e) {
        return List.of();
      }
    }
    return nodes;
  }

  /** {@code {"alive": 3, "nodes": [{"id", "alive", "workers", "running", "lastHeartbeat", "startedAt"}]}} */
  public ObjectNode json() {
    List<Node> all = nodes();
    ObjectNode n = Json.object();
    n.put("alive", all.stream().filter(Node::alive).count());
    ArrayNode list = n.putArray("nodes");
    for (Node node : all) {
      list.addObject().put("id", node.id()).put("alive", node.alive()).put("workers", node.workers())
          .put("running", node.running()).put("lastHeartbeat", node.lastHeartbeat().toString())
          .put("startedAt", node.startedAt().toString());
    }
    return n;
  }

  /** The cluster's gauges: nodes alive and gone, and per node its running tasks and heartbeat's age. */
  void register(MeterRegistry registry) {
    Gauge.builder("tasklane_cluster_nodes", () -> nodes().stream().filter(Node::alive).count())
        .description("Nodes on this database by state").tag("state", "alive").register(registry);
    Gauge.builder("tasklane_cluster_nodes", () -> nodes().stream().filter(n -> !n.alive()).count())
        .description("Nodes on this database by state").tag("state", "gone").register(registry);
    runningPerNode = MultiGauge.builder("tasklane_cluster_running_tasks")
        .description("Tasks running under each node's lease").register(registry);
    heartbeatAge = MultiGauge.builder("tasklane_cluster_heartbeat_age_seconds")
        .description("Seconds since each node's last heartbeat").register(registry);
  }

  /** Refreshes the per-node gauges: nodes come and go. */
  void refreshGauges() {
    List<Node> all = nodes();
    long now = clock.millis();
    runningPerNode.register(all.stream().map(n -> MultiGauge.Row.of(Tags.of("node", n.id()), n.running())).toList(),
        true);
    heartbeatAge.register(all.stream().map(n -> MultiGauge.Row.of(Tags.of("node", n.id()),
        (now - n.lastHeartbeat().toEpochMilli()) / 1000.0)).toList(), true);
  }
}
