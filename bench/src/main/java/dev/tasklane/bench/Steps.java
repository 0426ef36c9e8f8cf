package dev.tasklane.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The measurements of one run, in the order they run. */
final class Steps {
  private static final Duration SHORT = Duration.ofSeconds(60);
  /** Nodes of the cluster steps: 1 to this many on one PostgreSQL schema. */
  static final int MAX_NODES = 3;

  private Steps() {}

  static List<Step> all(BenchOptions o, SqliteFiles files, BenchPostgres pg) {
    List<Step> steps = new ArrayList<>();
    steps.add(machineStalls(o, files));
    steps.add(jdbcBaseline(o, files));
    steps.add(submitLatency(o, "tasklane",
        () -> new TasklaneContender(files.fresh("tasklane-submit"), o.workers(), o.sessions()), true));
    steps.add(tasklaneDrain(o, files));
    steps.add(tasklaneWideDrain(o, files));
    steps.add(mixed(o, files));
    steps.add(startLatency(TasklaneContender.factory(o.sessions()), "tasklane", "lane with a no-op handler", o, files));
    steps.add(cancel(o, files));
    steps.add(firstAcknowledgement(o, files));
    steps.add(peerDrain((f, w) -> new JobRunrContender(f, w), "jobrunr", o, files));
    steps.add(startLatency((f, w) -> new JobRunrContender(f, w), "jobrunr", "", o, files));
    steps.add(peerDrain(DbSchedulerContender::new, "db-scheduler", o, files));
    steps.add(startLatency(DbSchedulerContender::new, "db-scheduler", "", o, files));
    // The same on PostgreSQL, every contender on its own schema of one server the bench started.
    // No warm-up rounds of its own: the engine's code is warm from the SQLite steps, and the rounds'
    // hundred thousand submits would take minutes at PostgreSQL's pace.
    steps.add(submitLatency(o, "pg.tasklane", () -> (TasklaneContender) TasklaneContender.postgres(pg, o.sessions())
        .open(null, o.workers()), false));
    steps.add(drainsInTurn(o, files,
        new Drainer("pg.tasklane", TasklaneContender.postgres(pg, o.sessions())),
        new Drainer("pg.db-scheduler", DbSchedulerContender.postgres(pg))));
    steps.add(startLatency(TasklaneContender.postgres(pg, o.sessions()), "pg.tasklane", "lane with a no-op handler", o,
        files));
    steps.add(startLatency(DbSchedulerContender.postgres(pg), "pg.db-scheduler", "", o, files));
    steps.add(peerDrain(JobRunrContender.postgres(pg), "pg.jobrunr", o, files));
    steps.add(startLatency(JobRunrContender.postgres(pg), "pg.jobrunr", "", o, files));
    // Several nodes on one schema: 1, 2 and 3 lanes, beside 1, 2 and 3 db-scheduler instances.
    for (int n = 1; n <= MAX_NODES; n++) {
      String tasklane = "pg.nodes" + n + ".tasklane";
      String dbScheduler = "pg.nodes" + n + ".db-scheduler";
      steps.add(drainsInTurn(o, files,
          new Drainer(tasklane, TasklaneContender.postgresNodes(pg, o.sessions(), n)),
          new Drainer(dbScheduler, DbSchedulerContender.postgresNodes(pg, n))));
      steps.add(startLatency(TasklaneContender.postgresNodes(pg, o.sessions(), n), tasklane,
          "submits to the nodes in turn", o, files));
      steps.add(startLatency(DbSchedulerContender.postgresNodes(pg, n), dbScheduler, "submits to the instances in turn",
          o, files));
    }
    if (o.only() != null) steps.removeIf(s -> !s.title().contains(o.only()));
    return steps;
  }

  /** First, before any other step has left the disk writing back. */
  private static Step machineStalls(BenchOptions o, SqliteFiles files) {
    Duration window = o.stallWindow();
    String over = "stops a second, longer than " + MachineStalls.STALL.toMillis()
        + " ms, of a thread that only reads the clock (watched " + window.toSeconds() + " s)";
    return Step.of("machine stalls", SHORT, sink -> {
          MachineStalls.Seen quiet = MachineStalls.quiet(window);
          sink.put("machine.stalls.quiet.per_s", quiet.perSecond(), over + ", nothing else running");
          sink.put("machine.stalls.quiet.max", quiet.gaps().longestMs(), "the longest stop of that thread");
          MachineStalls.Seen syncing = MachineStalls.whileSyncing(files.fresh("machine-syncing"), window);
          String beside = String.format("%s, while another thread writes %d KiB and syncs, %.0f times a second", over,
              MachineStalls.WRITE_BYTES / 1024, syncing.syncsPerSecond());
          sink.put("machine.stalls.syncing.per_s", syncing.perSecond(), beside);
          sink.put("machine.stalls.syncing.max", syncing.gaps().longestMs(), "the longest stop of that thread");
        })
        .figure("machine.stalls.quiet.per_s", "/s")
        .figure("machine.stalls.quiet.max", "ms")
        .figure("machine.stalls.syncing.per_s", "/s")
        .figure("machine.stalls.syncing.max", "ms");
  }

  private static Step jdbcBaseline(BenchOptions o, SqliteFiles files) {
    return Step.of("plain JDBC baseline", SHORT.multipliedBy(2), sink -> {
          var b = JdbcBaseline.batched(files.fresh("jdbc-batched"), o.drainTasks(), BenchOptions.JDBC_BATCH);
          String note = o.drainTasks() + " rows, " + b.batch() + " per transaction, WAL, synchronous=FULL";
          sink.put("jdbc.insert", b.insertsPerSecond(), note);
          sink.put("jdbc.update", b.updatesPerSecond(), note);
          Latencies commits = JdbcBaseline.singleRowCommits(files.fresh("jdbc-commits"), o.commitSamples());
          String commitNote = commits.count() + " transactions of one row each (one fsync each)";
          sink.put("jdbc.commit.p50", commits.p50(), commitNote);
          sink.put("jdbc.commit.p99", commits.p99(), commitNote);
          Latencies busy = JdbcBaseline.singleRowCommitsOnBusyCores(files.fresh("jdbc-commits-busy"), o.commitSamples());
          String busyNote = "the same, while " + JdbcBaseline.spinningThreads()
              + " threads spin (one more than the cores): the scheduler's delay after each fsync";
          sink.put("jdbc.commit.busy_cores.p50", busy.p50(), busyNote);
          sink.put("jdbc.commit.busy_cores.p99", busy.p99(), busyNote);
          sink.put("jdbc.commit.busy_cores.max", busy.maxMs(), busyNote);
          var floor = EngineRowsFloor.measure(files.fresh("jdbc-engine-rows"), o.drainTasks(), BenchOptions.JDBC_BATCH);
          String floorNote = o.drainTasks() + " tasks: Tasklane's schema and rows per task (task, 3 events, pending count,"
              + " recent session row), "
              + BenchOptions.JDBC_BATCH + " tasks per transaction";
          sink.put("jdbc.engine_rows.submit", floor.submitsPerSecond(), floorNote);
          sink.put("jdbc.engine_rows.drain", floor.drainPerSecond(), floorNote);
          sink.put("jdbc.engine_rows.wal_per_task", floor.walBytesPerTask(), "WAL written per drained task (claim + completion)");
          double indexed = EngineRowsFloor.submitsWithSessionIndex(files.fresh("jdbc-engine-rows-indexed"),
              o.drainTasks(), BenchOptions.JDBC_BATCH);
          sink.put("jdbc.engine_rows.submit_session_index", indexed,
              "the submit rows with each session entry written into an index on tasks at once (entries on random pages)");
        })
        .figure("jdbc.insert", "rows/s")
        .figure("jdbc.update", "rows/s")
        .figure("jdbc.commit.p50", "ms")
        .figure("jdbc.commit.p99", "ms")
        .figure("jdbc.commit.busy_cores.p50", "ms")
        .figure("jdbc.commit.busy_cores.p99", "ms")
        .figure("jdbc.commit.busy_cores.max", "ms")
        .figure("jdbc.engine_rows.submit", "tasks/s")
        .figure("jdbc.engine_rows.drain", "tasks/s")
        .figure("jdbc.engine_rows.wal_per_task", "bytes")
        .figure("jdbc.engine_rows.submit_session_index", "tasks/s");
  }

  /** Submit latency at each level of submitters; figures named {@code <prefix>.submit.*}. */
  private static Step submitLatency(BenchOptions o, String prefix, Opener lanes, boolean warmUp) {
    Step step = Step.of(prefix + " submit latency", SHORT.multipliedBy(2), sink -> {
      Probe probe = Probe.install(0, true);
      try (TasklaneContender lane = lanes.open()) {
        try {
          String warmed = warmUp ? "after " + TasklaneScenarios.warmUp(lane).describe()
              : "warmed by the steps before";
          for (int level : BenchOptions.SUBMITTER_LEVELS) {
            int each = Math.max(20, o.submitsPerLevel() / level);
            long compiledBefore = JitWarmUp.compileMillisSoFar();
            Latencies l = TasklaneScenarios.submitLatency(lane, level, each);
            long compiled = JitWarmUp.compileMillisSoFar() - compiledBefore;
            String note = level + " virtual threads x " + each + " submits, workers held";
            sink.put(prefix + ".submit.c" + level + ".p50", l.p50(), note);
            sink.put(prefix + ".submit.c" + level + ".p99", l.p99(), note);
            sink.put(prefix + ".submit.c" + level + ".max", l.maxMs(), note);
            sink.put(prefix + ".submit.c" + level + ".jit", compiled, "JIT compile time during the level, " + warmed);
          }
          int paced = BenchOptions.PACED_SUBMITTERS;
          Duration interval = BenchOptions.PACED_INTERVAL;
          int each = Math.max(10, o.submitsPerLevel() / paced);
          Latencies l = TasklaneScenarios.pacedSubmitLatency(lane, paced, each, interval);
          String note = paced + " virtual threads, each one submit every " + interval.toMillis() + " ms ("
              + paced * 1000 / interval.toMillis() + " submits/s offered), " + each + " each";
          sink.put(prefix + ".submit.paced.p50", l.p50(), note);
          sink.put(prefix + ".submit.paced.p99", l.p99(), note);
        } finally {
          probe.openGate(); // before the lane closes, so that its shutdown need not wait for held workers
        }
      }
    });
    for (int level : BenchOptions.SUBMITTER_LEVELS) {
      for (String stat : List.of("p50", "p99", "max", "jit")) step.figure(prefix + ".submit.c" + level + "." + stat, "ms");
    }
    step.figure(prefix + ".submit.paced.p50", "ms").figure(prefix + ".submit.paced.p99", "ms");
    return step;
  }

  /** Opens a lane for a step. */
  @FunctionalInterface
  private interface Opener {
    TasklaneContender open() throws Exception;
  }

  private static Step tasklaneDrain(BenchOptions o, SqliteFiles files) {
    return Step.of("tasklane drain", o.drainTimeout().multipliedBy(2), sink -> {
          var d = QueueScenarios.drain(TasklaneContender.factory(o.sessions()), files.fresh("tasklane-drain"),
              o.drainTasks(), o.plan(), true);
          sink.put("tasklane.preload", d.tasks() / d.preloadSeconds(),
              d.tasks() + " submits from 256 virtual threads, workers held");
          sink.put("tasklane.heap.queued", (d.heapQueued() - d.heapBefore()) / (1024.0 * 1024),
              "used heap after GC with " + d.tasks() + " tasks queued, minus before submitting them");
          sink.put("tasklane.drain", d.tasksPerSecond(), d.tasks() + " no-op tasks, concurrency=" + o.workers() + ", "
              + o.sessions() + " sessions");
        })
        .figure("tasklane.preload", "tasks/s")
        .figure("tasklane.heap.queued", "MB")
        .figure("tasklane.drain", "tasks/s");
  }

  /**
   * The same drain with many more workers: with no-op tasks a worker mostly waits for its claim and
   * its outcome to be committed, so this shows how far larger group commits carry the throughput.
   */
  private static Step tasklaneWideDrain(BenchOptions o, SqliteFiles files) {
    int wide = o.workers() * BenchOptions.WIDE_FACTOR;
    int tasks = o.drainTasks();
    QueueScenarios.Plan plan = o.plan().withWorkers(wide);
    return Step.of("tasklane drain, " + wide + " workers", o.drainTimeout().multipliedBy(2), sink -> {
          var d = QueueScenarios.drain(TasklaneContender.factory(o.sessions()), files.fresh("tasklane-drain-wide"), tasks,
              plan, false);
          sink.put("tasklane.drain.wide", d.tasksPerSecond(), d.tasks() + " no-op tasks, concurrency=" + wide + ", "
              + o.sessions() + " sessions");
        })
        .figure("tasklane.drain.wide", "tasks/s");
  }

  private static Step mixed(BenchOptions o, SqliteFiles files) {
    return Step.of("tasklane mixed", SHORT.plus(o.mixedWindow()), sink -> {
          try (TasklaneContender lane = new TasklaneContender(files.fresh("tasklane-mixed"), o.workers(), o.sessions())) {
            var m = TasklaneScenarios.mixed(lane, o.mixedSubmitters(), o.mixedWindow());
            String note = o.mixedSubmitters() + " submitters for " + o.mixedWindow().toSeconds() + " s, concurrency="
                + o.workers();
            sink.put("tasklane.mixed.completed", m.completedPerSecond(), note);
            sink.put("tasklane.mixed.submitted", m.submittedPerSecond(), note);
            sink.put("tasklane.mixed.submit.p99", m.submits().p99(), note);
          }
        })
        .figure("tasklane.mixed.completed", "tasks/s")
        .figure("tasklane.mixed.submitted", "tasks/s")
        .figure("tasklane.mixed.submit.p99", "ms");
  }

  private static Step startLatency(Contender.Factory factory, String name, String extra, BenchOptions o,
      SqliteFiles files) {
    return Step.of(name + " submit->start", SHORT.plus(o.plan().startTimeout()), sink -> {
          Latencies l = QueueScenarios.submitToStart(factory, files.fresh(name + "-start"), o.plan());
          String note = l.count() + " tasks, one every " + o.startSpacing().toMillis() + " ms, idle workers" +
              (extra.isEmpty() ? "" : ", " + extra);
          sink.put(name + ".start.p50", l.p50(), note);
          sink.put(name + ".start.p99", l.p99(), note);
        })
        .figure(name + ".start.p50", "ms")
        .figure(name + ".start.p99", "ms");
  }

  /** A fresh server process and its first acknowledged task, a few times over. */
  private static Step firstAcknowledgement(BenchOptions o, SqliteFiles files) {
    int runs = o.full() ? 7 : 3;
    return Step.of("tasklane first acknowledgement", SHORT.multipliedBy(runs + 1), sink -> {
          List<FirstAcknowledgement.Run> all = FirstAcknowledgement.measure(files.folder(), runs);
          String note = runs + " fresh `./tasklane serve` processes (empty data folder), median; task.create over"
              + " the WebSocket, request to acknowledgement";
          sink.put("tasklane.first_ack.first", median(all, FirstAcknowledgement.Run::first), note + ": the first");
          sink.put("tasklane.first_ack.first_max", all.stream().mapToDouble(FirstAcknowledgement.Run::first).max()
              .orElseThrow(), "the slowest first of the " + runs);
          sink.put("tasklane.first_ack.hundredth", median(all, FirstAcknowledgement.Run::hundredth),
              note + ": the " + FirstAcknowledgement.CREATES + "th, 10 ms after the one before");
          sink.put("tasklane.first_ack.last_ten", median(all, FirstAcknowledgement.Run::lastTen),
              "the median of each server's last " + FirstAcknowledgement.LAST + " creates, median over the servers");
          sink.put("tasklane.first_ack.connect", median(all, FirstAcknowledgement.Run::connect),
              "the WebSocket's opening, before the first create");
          sink.put("tasklane.first_ack.listening", median(all, FirstAcknowledgement.Run::listening),
              "from starting the launcher to 'listening on'");
        })
        .figure("tasklane.first_ack.first", "ms")
        .figure("tasklane.first_ack.first_max", "ms")
        .figure("tasklane.first_ack.hundredth", "ms")
        .figure("tasklane.first_ack.last_ten", "ms")
        .figure("tasklane.first_ack.connect", "ms")
        .figure("tasklane.first_ack.listening", "ms");
  }

  private static double median(List<FirstAcknowledgement.Run> runs,
      java.util.function.ToDoubleFunction<FirstAcknowledgement.Run> figure) {
    return FirstAcknowledgement.median(runs.stream().map(r -> figure.applyAsDouble(r)).toList());
  }

  private static Step cancel(BenchOptions o, SqliteFiles files) {
    return Step.of("tasklane cancel", SHORT, sink -> {
          Latencies l = TasklaneScenarios.cancelLatency(files.fresh("tasklane-cancel"), o.workers(), o.sessions(),
              o.cancelSamples());
          String note = l.count() + " running cooperative tasks; cancel call -> canceled event via subscribeTask";
          sink.put("tasklane.cancel.p50", l.p50(), note);
          sink.put("tasklane.cancel.p99", l.p99(), note);
        })
        .figure("tasklane.cancel.p50", "ms")
        .figure("tasklane.cancel.p99", "ms");
  }

  /** A contender of {@link #drains}: the name its figure goes by, and how to open it. */
  private record Drainer(String name, Contender.Factory factory) {}

  /**
   * The drains a ratio target compares, run in turn ({@link BenchOptions#drainRounds} rounds of one
   * drain each, on a fresh schema every time), each figure the median of its rounds. One drain of a
   * few seconds is at the mercy of the moment (one contender's figure moved by half between two steps
   * of one run); taken in turn, the contenders share the moments.
   */
  private static Step drainsInTurn(BenchOptions o, SqliteFiles files, Drainer... drainers) {
    return drains(o, files, o.drainRounds(), drainers);
  }

  /** One contender's drain, once: a figure no ratio target rests on. */
  private static Step peerDrain(Contender.Factory factory, String name, BenchOptions o, SqliteFiles files) {
    return drains(o, files, 1, new Drainer(name, factory));
  }

  /** {@code rounds} rounds of one drain per contender, in turn; each figure the median of its rounds. */
  private static Step drains(BenchOptions o, SqliteFiles files, int rounds, Drainer... drainers) {
    String title = drainers.length == 1 ? drainers[0].name() + " drain"
        : String.join(" and ", Arrays.stream(drainers).map(Drainer::name).toList()) + " drains, in turn";
    Step step = Step.of(title, o.drainTimeout().plus(SHORT).multipliedBy((long) rounds * drainers.length), sink -> {
      Map<String, List<Double>> figures = new LinkedHashMap<>();
      Map<String, String> settings = new HashMap<>();
      for (int round = 1; round <= rounds; round++) {
        for (Drainer d : drainers) {
          Contender.Factory remembering = (f, w) -> {
            Contender c = d.factory().open(f, w);
            settings.put(d.name(), c.settings());
            return c;
          };
          var drain = QueueScenarios.drain(remembering, files.fresh(d.name() + "-drain-" + round), o.peerDrainTasks(),
              o.plan(), false);
          figures.computeIfAbsent(d.name(), k -> new ArrayList<>()).add(drain.tasksPerSecond());
        }
      }
      figures.forEach((name, all) -> {
        String others = String.join(", ", Arrays.stream(drainers).map(Drainer::name).filter(n -> !n.equals(name))
            .toList());
        String each = String.join(", ", all.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList());
        sink.put(name + ".drain", FirstAcknowledgement.median(all), o.peerDrainTasks() + " no-op tasks; "
            + settings.get(name) + (rounds == 1 ? "" : "; the median of " + rounds + " drains (" + each
            + ") taken in turn with " + others));
      });
    });
    for (Drainer d : drainers) step.figure(d.name() + ".drain", "tasks/s");
    return step;
  }
}
