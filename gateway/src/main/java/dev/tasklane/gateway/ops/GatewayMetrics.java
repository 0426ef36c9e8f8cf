package dev.tasklane.gateway.ops;

import dev.tasklane.core.TaskState;
import dev.tasklane.engine.Lane;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The gateway's Prometheus metrics. Task counts come from the lane, read at most once a second
 * however often the endpoint is scraped (each read is a database query).
 */
public final class GatewayMetrics {
  private static final Duration COUNTS_MAX_AGE = Duration.ofSeconds(1);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Lane lane;
  private final Clock clock;
  private final Timer submitLatency;
  private final Counter eventsPublished;
  private final ClusterView cluster;
  private final AtomicInteger wsConnections = new AtomicInteger();
  private final AtomicInteger sseConnections = new AtomicInteger();
  private LongSupplier wsClosedBehind;
  private Map<TaskState, Long> counts = new EnumMap<>(TaskState.class);
  private boolean countsRead;
  private long countsReadAt;

  public GatewayMetrics(Lane lane, Clock clock) {
    this.lane = lane;
    this.clock = clock;
    this.cluster = new ClusterView(lane, clock);
    cluster.register(registry);
    FunctionCounter.builder("tasklane_discarded_outcomes", lane, Lane::discardedOutcomes)
        .description("Outcomes of attempts run here that the database refused: the task was no longer theirs")
        .register(registry);
    FunctionCounter.builder("tasklane_write_retries", lane, Lane::retriedWrites)
        .description("Write batches run again after a deadlock or serialization failure with another transaction")
        .register(registry);
    for (TaskState s : TaskState.values()) {
      Gauge.builder("tasklane_tasks", () -> count(s)).description("Tasks in each state").tag("state", s.wire())
          .register(registry);
    }
    Gauge.builder("tasklane_queue_depth", () -> count(TaskState.QUEUED)).description("Tasks waiting for a worker")
        .register(registry);
    Gauge.builder("tasklane_running_tasks", lane::runningHere).description("Tasks running in this process")
        .register(registry);
    Gauge.builder("tasklane_open_connections", wsConnections::get).tag("type", "websocket")
        .description("Open client connections").register(registry);
    Gauge.builder("tasklane_open_connections", sseConnections::get).tag("type", "sse")
        .description("Open client connections").register(registry);
    submitLatency = submitTimer(registry);
    eventsPublished = Counter.builder("tasklane_events_published").description("Task events pushed to clients")
        .register(registry);
  }

  /** How long answering a WebSocket request took, by method (only known methods: bounded tags). */
  public Timer requestLatency(String method) {
    return requestTimer(registry, method);
  }

  private static Timer submitTimer(MeterRegistry registry) {
    return Timer.builder("tasklane_submit_latency").description("Time to store a submitted task")
        .publishPercentiles(0.5, 0.99).register(registry);
  }

  private static Timer requestTimer(MeterRegistry registry, String method) {
    return Timer.builder("tasklane_ws_request_latency").description("Time to answer a WebSocket request")
        .tag("method", method).publishPercentiles(0.5, 0.99).register(registry);
  }

  /**
   * Registers and records timers made as this class makes them, in a registry of their own that
   * nobody reads: a timer's first registration and its first recordings build its percentile
   * histograms and load their code, which took a first request 10 to 20 ms. The server's own
   * meters show nothing of it.
   */
  public static void warmUp() {
    PrometheusMeterRegistry scratch = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      submitTimer(scratch).record(() -> scratch.config().clock().monotonicTime());
      requestTimer(scratch, "task.create").record(1_234_567, TimeUnit.NANOSECONDS);
    } finally {
      scratch.close();
    }
  }

  public Timer submitLatency() {
    return submitLatency;
  }

  public void eventPublished() {
    eventsPublished.increment();
  }

  public AtomicInteger wsConnections() {
    return wsConnections;
  }

  /** Bytes waiting to be sent to WebSocket clients, and connections closed for falling too far behind. */
  public void wsSendBuffers(LongSupplier waitingBytes, LongSupplier closedBehind) {
    Gauge.builder("tasklane_ws_send_buffer", waitingBytes::getAsLong).baseUnit("bytes")
        .description("Bytes waiting to be sent to WebSocket clients").register(registry);
    this.wsClosedBehind = closedBehind; // a function counter holds its object weakly
    FunctionCounter.builder("tasklane_ws_closed_behind", closedBehind, LongSupplier::getAsLong)
        .description("WebSocket connections closed for reading too slowly").register(registry);
  }

  public AtomicInteger sseConnections() {
    return sseConnections;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The nodes sharing the database, as {@code /healthz} and {@code /metrics} show them. */
  public ClusterView cluster() {
    return cluster;
  }

  /**
   * The Prometheus text exposition. One scrape at a time: each refreshes the per-node gauges, which
   * replaces their meters, and a scrape that read them meanwhile saw a node's row twice.
   */
  public synchronized String scrape() {
    cluster.refreshGauges();
    return registry.scrape();
  }

  private synchronized double count(TaskState state) {
    long now = clock.millis();
    if (!countsRead || now - countsReadAt >= COUNTS_MAX_AGE.toMillis()) {
      try {
        counts = lane.countByState();
        countsReadAt = now;
        countsRead = true;
      } catch (RuntimeException e) {
        return Double.NaN; // the database is unreachable: Prometheus shows the gap rather than a stale number
      }
    }
    return counts.getOrDefault(state, 0L);
  }
}
