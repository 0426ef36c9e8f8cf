package dev.tasklane.bench;

import java.util.Locale;
import java.util.Optional;

/** The ratios taken from one run, and the project's targets checked against it. */
final class Verdicts {
  static final double DRAIN_TARGET = 20_000;
  static final double DRAIN_OVER_PEER_TARGET = 3;
  static final double PG_DRAIN_OVER_DB_SCHEDULER_TARGET = 2;
  static final double START_P50_TARGET_MS = 5;
  static final double SUBMIT_P99_TARGET_MS = 10;
  static final double HEAP_TARGET_MB = 50;
  static final int HEAP_TARGET_TASKS = 100_000;

  private Verdicts() {}

  static void add(Report r, BenchOptions o) {
    for (String peer : new String[] {"jobrunr", "db-scheduler"}) {
      r.ratio("drain.tasklane/" + peer, "tasklane.drain", peer + ".drain", "throughput, higher is better for Tasklane");
      r.ratio("start.p50.tasklane/" + peer, "tasklane.start.p50", peer + ".start.p50",
          "submit->start p50, lower is better for Tasklane");
      r.ratio("start.p99.tasklane/" + peer, "tasklane.start.p99", peer + ".start.p99",
          "submit->start p99, lower is better for Tasklane");
    }
    for (String peer : new String[] {"jobrunr", "db-scheduler"}) {
      r.ratio("pg.drain.tasklane/" + peer, "pg.tasklane.drain", "pg." + peer + ".drain",
          "on PostgreSQL: throughput, higher is better for Tasklane");
      r.ratio("pg.start.p50.tasklane/" + peer, "pg.tasklane.start.p50", "pg." + peer + ".start.p50",
          "on PostgreSQL: submit->start p50, lower is better for Tasklane");
    }
    for (int n = 1; n <= Steps.MAX_NODES; n++) {
      r.ratio("pg.nodes" + n + ".drain.tasklane/db-scheduler", "pg.nodes" + n + ".tasklane.drain",
          "pg.nodes" + n + ".db-scheduler.drain", n + " nodes on one PostgreSQL: throughput, higher is better for Tasklane");
      r.ratio("pg.nodes" + n + ".start.p50.tasklane/db-scheduler", "pg.nodes" + n + ".tasklane.start.p50",
          "pg.nodes" + n + ".db-scheduler.start.p50", n + " nodes: submit->start p50, lower is better for Tasklane");
    }
    r.ratio("pg.nodes3/nodes1.tasklane", "pg.nodes3.tasklane.drain", "pg.nodes1.tasklane.drain",
        "Tasklane's drain with 3 nodes against 1");
    r.ratio("pg.nodes3/nodes1.db-scheduler", "pg.nodes3.db-scheduler.drain", "pg.nodes1.db-scheduler.drain",
        "db-scheduler's drain with 3 instances against 1");
    r.ratio("drain.pg.tasklane/sqlite.tasklane", "pg.tasklane.drain", "tasklane.drain",
        "Tasklane's drain on PostgreSQL against on SQLite");
    r.ratio("drain.tasklane/jdbc.update", "tasklane.drain", "jdbc.update",
        "tasks drained per row updated by plain batched JDBC: the engine's cost over the disk's");
    r.ratio("drain.tasklane/jdbc.engine_rows", "tasklane.drain", "jdbc.engine_rows.drain",
        "tasks drained per task's rows written by plain batched JDBC on Tasklane's schema");
    r.ratio("preload.tasklane/jdbc.insert", "tasklane.preload", "jdbc.insert",
        "tasks submitted (256 threads) per row inserted by plain batched JDBC");
    r.ratio("submit.c1.p50.tasklane/jdbc.commit", "tasklane.submit.c1.p50", "jdbc.commit.p50",
        "one submit against one bare single-row commit");

    // Both worker counts the bench runs: the target does not name one, so neither is hidden.
    r.target(atLeast("drain >= 20,000 tasks/s (" + o.workers() + " workers)", "tasklane.drain", DRAIN_TARGET,
        "tasks/s", r));
    r.target(atLeast("drain >= 20,000 tasks/s (" + o.workers() * BenchOptions.WIDE_FACTOR + " workers)", "tasklane.drain.wide",
        DRAIN_TARGET, "tasks/s", r));
    Optional<Double> fasterPeer = r.value("jobrunr.drain").map(j -> Math.max(j, r.value("db-scheduler.drain").orElse(0.0)))
        .or(() -> r.value("db-scheduler.drain"));
    Optional<Double> drain = r.value("tasklane.drain");
    Double overPeer = drain.isPresent() && fasterPeer.isPresent() ? drain.get() / fasterPeer.get() : null;
    r.target(new Target("drain >= 3x faster peer", ">= 3.0 x", overPeer,
        overPeer == null ? null : overPeer >= DRAIN_OVER_PEER_TARGET,
        fasterPeer.map(p -> "faster peer drains " + Math.round(p) + " tasks/s").orElse("no peer measured")));
    r.target(atMost("submit->start p50 <= 5 ms", "tasklane.start.p50", START_P50_TARGET_MS, "ms", r, null));
    Optional<Double> pgOverDbScheduler = r.value("pg.tasklane.drain")
        .flatMap(t -> r.value("pg.db-scheduler.drain").map(d -> t / d));
    Optional<Double> nodesOverDbScheduler = r.value("pg.nodes3.tasklane.drain")
        .flatMap(t -> r.value("pg.nodes3.db-scheduler.drain").map(d -> t / d));
    r.target(new Target("3 nodes drain >= 2x db-scheduler with 3 instances", ">= 2.0 x",
        nodesOverDbScheduler.orElse(null), nodesOverDbScheduler.map(x -> x >= PG_DRAIN_OVER_DB_SCHEDULER_TARGET)
            .orElse(null),
        r.value("pg.nodes3.db-scheduler.drain").map(d -> "db-scheduler drains " + Math.round(d) + " tasks/s")
            .orElse(null)));
    r.target(new Target("PostgreSQL drain >= 2x db-scheduler lock-and-fetch", ">= 2.0 x",
        pgOverDbScheduler.orElse(null), pgOverDbScheduler.map(x -> x >= PG_DRAIN_OVER_DB_SCHEDULER_TARGET).orElse(null),
        r.value("pg.db-scheduler.drain").map(d -> "db-scheduler drains " + Math.round(d) + " tasks/s").orElse(null)));
    r.target(atMost("PostgreSQL submit->start p50 <= 5 ms", "pg.tasklane.start.p50", START_P50_TARGET_MS, "ms", r,
        null));
    r.target(atMost("submit p99 (256 submitters) <= 10 ms", "tasklane.submit.c256.p99", SUBMIT_P99_TARGET_MS, "ms",
        r, machineStops(r)));
    String heapNote = o.drainTasks() >= HEAP_TARGET_TASKS ? o.drainTasks() + " tasks queued"
        : "measured with only " + o.drainTasks() + " tasks queued; the target is for " + HEAP_TARGET_TASKS;
    r.target(atMost("heap growth, 100,000 queued <= 50 MB", "tasklane.heap.queued", HEAP_TARGET_MB, "MB", r,
        heapNote));
  }

  /**
   * Every stop of the whole machine holds all 256 submits in flight, so the level's p99 is at least
   * the longest stop it met: the run's own measure of those stops, beside the figure it bounds.
   */
  private static String machineStops(Report r) {
    Optional<Double> longest = r.value("machine.stalls.syncing.max");
    Optional<Double> perSecond = r.value("machine.stalls.syncing.per_s");
    if (longest.isEmpty() || perSecond.isEmpty()) return null;
    return String.format(Locale.ROOT, "beside syncs the machine stopped a thread that only reads the clock %.1f times a second,"
        + " for up to %.1f ms", perSecond.get(), longest.get());
  }

  private static Target atLeast(String name, String figure, double goal, String unit, Report r) {
    Optional<Double> v = r.value(figure);
    return new Target(name, ">= " + fmt(goal) + " " + unit, v.orElse(null), v.map(x -> x >= goal).orElse(null), null);
  }

  private static Target atMost(String name, String figure, double goal, String unit, Report r, String note) {
    Optional<Double> v = r.value(figure);
    return new Target(name, "<= " + fmt(goal) + " " + unit, v.orElse(null), v.map(x -> x <= goal).orElse(null), note);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
