package dev.tasklane.core;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The lane's knobs. {@link #defaults()} gives the documented defaults; {@link #toBuilder()} changes
 * some of them. docs/ENGINE.md lists every knob.
 *
 * @param nodeId this process's name in leases (random per start by default)
 * @param concurrency tasks running at once in this process (default 4; 0: it runs no tasks, it only takes
 *     requests, on a database other nodes run them from)
 * @param perSession tasks of one session running at once (default 1: in submission order)
 * @param perKind limits per kind (absent = only the global limit)
 * @param defaultMaxAttempts attempts per task unless the request says otherwise (default 3)
 * @param defaultDeadline how long one attempt may run (default 30 min)
 * @param defaultPriority 0–10 (default 5)
 * @param leaseDuration how long a claim holds without renewal (default 30 s)
 * @param heartbeatInterval how often running tasks' leases are renewed (default 10 s)
 * @param cancelGrace how long a running task may take to stop after cancel (default 5 s)
 * @param retryBase first retry delay; doubles per attempt, with ±20 % jitter (default 1 s)
 * @param retryMax the longest retry delay (default 5 min)
 * @param progressInterval how often progress and output are persisted at most (default 250 ms)
 * @param maintenanceInterval how often leases, expiry, due tasks and retention are checked (default 1 s)
 * @param retention how long terminal tasks and their events are kept (default 7 days)
 * @param maxPendingPerSession queued + running tasks one session may have (default 50)
 * @param maxInputBytes the largest input, as JSON bytes (default 1 MiB)
 * @param maxOutputBytes output kept per task in events; beyond it output events stop (default 1 MiB)
 * @param defaultBusyPolicy what a submit does when its session is busy (default enqueue)
 */
public record LaneConfig(
    String nodeId,
    int concurrency,
    int perSession,
    Map<String, Integer> perKind,
    int defaultMaxAttempts,
    Duration defaultDeadline,
    int defaultPriority,
    Duration leaseDuration,
    Duration heartbeatInterval,
    Duration cancelGrace,
    Duration retryBase,
    Duration retryMax,
    Duration progressInterval,
    Duration maintenanceInterval,
    Duration retention,
    int maxPendingPerSession,
    int maxInputBytes,
    int maxOutputBytes,
    BusyPolicy defaultBusyPolicy) {

  public static final int MIN_PRIORITY = 0;
  public static final int MAX_PRIORITY = 10;

  public LaneConfig {
    perKind = Map.copyOf(perKind);
    if (concurrency < 0) throw new IllegalArgumentException("concurrency must be 0 or more");
    if (perSession < 1) throw new IllegalArgumentException("perSession must be at least 1");
    if (defaultMaxAttempts < 1) throw new IllegalArgumentException("defaultMaxAttempts must be at least 1");
    if (heartbeatInterval.compareTo(leaseDuration) >= 0) {
      throw new IllegalArgumentException("heartbeatInterval must be shorter than leaseDuration");
    }
  }

  public static LaneConfig defaults() {
    return new Builder().build();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builder starting from the defaults. */
  public static final class Builder {
    private String nodeId = "node-" + UUID.randomUUID().toString().substring(0, 8);
    private int concurrency = 4;
    private int perSession = 1;
    private Map<String, Integer> perKind = Map.of();
    private int defaultMaxAttempts = 3;
    private Duration defaultDeadline = Duration.ofMinutes(30);
    private int defaultPriority = 5;
    private Duration leaseDuration = Duration.ofSeconds(30);
    private Duration heartbeatInterval = Duration.ofSeconds(10);
    private Duration cancelGrace = Duration.ofSeconds(5);
    private Duration retryBase = Duration.ofSeconds(1);
    private Duration retryMax = Duration.ofMinutes(5);
    private Duration progressInterval = Duration.ofMillis(250);
    private Duration maintenanceInterval = Duration.ofSeconds(1);
    private Duration retention = Duration.ofDays(7);
    private int maxPendingPerSession = 50;
    private int maxInputBytes = 1 << 20;
    private int maxOutputBytes = 1 << 20;
    private BusyPolicy defaultBusyPolicy = BusyPolicy.ENQUEUE;

    public Builder() {}

    private Builder(LaneConfig c) {
      nodeId = c.nodeId;
      concurrency = c.concurrency;
      perSession = c.perSession;
      perKind = c.perKind;
      defaultMaxAttempts = c.defaultMaxAttempts;
      defaultDeadline = c.defaultDeadline;
      defaultPriority = c.defaultPriority;
      leaseDuration = c.leaseDuration;
      heartbeatInterval = c.heartbeatInterval;
      cancelGrace = c.cancelGrace;
      retryBase = c.retryBase;
      retryMax = c.retryMax;
      progressInterval = c.progressInterval;
      maintenanceInterval = c.maintenanceInterval;
      retention = c.retention;
      maxPendingPerSession = c.maxPendingPerSession;
      maxInputBytes = c.maxInputBytes;
      maxOutputBytes = c.maxOutputBytes;
      defaultBusyPolicy = c.defaultBusyPolicy;
    }

    public Builder nodeId(String v) { nodeId = v; return this; }
    public Builder concurrency(int v) { concurrency = v; return this; }
    public Builder perSession(int v) { perSession = v; return this; }
    public Builder perKind(Map<String, Integer> v) { perKind = v; return this; }
    public Builder defaultMaxAttempts(int v) { defaultMaxAttempts = v; return this; }
    public Builder defaultDeadline(Duration v) { defaultDeadline = v; return this; }
    public Builder defaultPriority(int v) { defaultPriority = v; return this; }
    public Builder leaseDuration(Duration v) { leaseDuration = v; return this; }
    public Builder heartbeatInterval(Duration v) { heartbeatInterval = v; return this; }
    public Builder cancelGrace(Duration v) { cancelGrace = v; return this; }
    public Builder retryBase(Duration v) { retryBase = v; return this; }
    public Builder retryMax(Duration v) { retryMax = v; return this; }
    public Builder progressInterval(Duration v) { progressInterval = v; return this; }
    public Builder maintenanceInterval(Duration v) { maintenanceInterval = v; return this; }
    public Builder retention(Duration v) { retention = v; return this; }
    public Builder maxPendingPerSession(int v) { maxPendingPerSession = v; return this; }
    public Builder maxInputBytes(int v) { maxInputBytes = v; return this; }
    public Builder maxOutputBytes(int v) { maxOutputBytes = v; return this; }
    public Builder defaultBusyPolicy(BusyPolicy v) { defaultBusyPolicy = v; return this; }

    public LaneConfig build() {
      return new LaneConfig(nodeId, concurrency, perSession, perKind, defaultMaxAttempts, defaultDeadline,
          defaultPriority, leaseDuration, heartbeatInterval, cancelGrace, retryBase, retryMax, progressInterval,
          maintenanceInterval, retention, maxPendingPerSession, maxInputBytes, maxOutputBytes, defaultBusyPolicy);
    }
  }
}
