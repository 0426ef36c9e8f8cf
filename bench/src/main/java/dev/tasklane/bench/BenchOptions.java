package dev.tasklane.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Sizes of one run. Quick mode finishes within two minutes on two cores; {@code --full} takes the
 * full sizes (100,000 tasks drained and queued, the size the heap target is stated for).
 *
 * @param workers concurrency of the Tasklane lane and worker count of each peer
 * @param sessions Tasklane sessions the tasks are spread over (each runs its tasks in order)
 * @param drainTasks tasks Tasklane drains, and keeps queued for the heap figure
 * @param peerDrainTasks tasks each peer drains
 * @param submitsPerLevel submits timed at each level of concurrent submitters
 * @param startSamples submit → start samples per contender, one every {@code startSpacing}
 * @param mixedWindow how long the mixed run submits
 * @param cancelSamples cancels timed
 * @param commitSamples single-row commits timed for the plain-JDBC baseline
 * @param drainTimeout the longest a drain may take before it is reported as timed out
 * @param only run only the measurements whose title contains this text (null: all), for profiling
 */
record BenchOptions(
    boolean full,
    int workers,
    int sessions,
    int drainTasks,
    int peerDrainTasks,
    int submitsPerLevel,
    int startSamples,
    Duration startSpacing,
    Duration mixedWindow,
    int mixedSubmitters,
    int cancelSamples,
    int commitSamples,
    Duration drainTimeout,
    Path output,
    String only) {

  static final int[] SUBMITTER_LEVELS = {1, 16, 256};
  /** The paced submit run: this many submitters, each submitting once per {@link #PACED_INTERVAL}. */
  static final int PACED_SUBMITTERS = 256;
  static final Duration PACED_INTERVAL = Duration.ofMillis(256);
  /** The wide drain runs Tasklane with this many times the usual workers. */
  static final int WIDE_FACTOR = 8;
  /** Tasks per transaction in the plain-JDBC baseline: the same as Tasklane's largest group commit. */
  static final int JDBC_BATCH = 512;

  static BenchOptions parse(String[] args, Path defaultOutput) {
    boolean full = false;
    Integer workers = null;
    Integer drain = null;
    Path output = defaultOutput;
    String only = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--full" -> full = true;
        case "--workers" -> workers = Integer.parseInt(value(args, ++i, "--workers"));
        case "--drain-tasks" -> drain = Integer.parseInt(value(args, ++i, "--drain-tasks"));
        case "--out" -> output = Path.of(value(args, ++i, "--out"));
        case "--only" -> only = value(args, ++i, "--only");
        case "-h", "--help" -> throw new UsageException(null);
        default -> throw new UsageException("unknown option: " + args[i]);
      }
    }
    BenchOptions o = full ? fullSizes(output, only) : quickSizes(output, only);
    if (workers != null) o = o.withWorkers(workers);
    if (drain != null) o = o.withDrainTasks(drain);
    return o;
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) throw new UsageException(option + " needs a value");
    return args[i];
  }

  static BenchOptions quickSizes(Path output, String only) {
    return new BenchOptions(false, 32, 1000, 10_000, 1_000, 1_024, 40, Duration.ofMillis(150), Duration.ofSeconds(5),
        16, 20, 200, Duration.ofSeconds(60), output, only);
  }

  static BenchOptions fullSizes(Path output, String only) {
    return new BenchOptions(true, 32, 1000, 100_000, 20_000, 16_384, 200, Duration.ofMillis(50),
        Duration.ofSeconds(20), 16, 100, 1_000, Duration.ofMinutes(10), output, only);
  }

  BenchOptions withWorkers(int w) {
    return new BenchOptions(full, w, sessions, drainTasks, peerDrainTasks, submitsPerLevel, startSamples, startSpacing,
        mixedWindow, mixedSubmitters, cancelSamples, commitSamples, drainTimeout, output, only);
  }

  BenchOptions withDrainTasks(int n) {
    return new BenchOptions(full, workers, sessions, n, peerDrainTasks, submitsPerLevel, startSamples, startSpacing,
        mixedWindow, mixedSubmitters, cancelSamples, commitSamples, drainTimeout, output, only);
  }

  /** Rounds of the drains that a ratio target compares, taken in turn ({@code Steps.drainsInTurn}). */
  int drainRounds() {
    return full ? 3 : 1;
  }

  /** How long the machine-stall measurement watches, alone and beside the syncs. */
  Duration stallWindow() {
    return Duration.ofSeconds(full ? 10 : 3);
  }

  QueueScenarios.Plan plan() {
    Duration startTimeout = JobRunrContender.POLL_INTERVAL.multipliedBy(3).plusSeconds(10);
    return new QueueScenarios.Plan(workers, drainTimeout, startSamples, startSpacing, startTimeout);
  }

  /** The sizes as they go into the JSON file. */
  Map<String, Object> describe() {
    return Map.ofEntries(
        Map.entry("mode", full ? "full" : "quick"),
        Map.entry("workers", workers),
        Map.entry("sessions", sessions),
        Map.entry("drainTasks", drainTasks),
        Map.entry("peerDrainTasks", peerDrainTasks),
        Map.entry("submitsPerLevel", submitsPerLevel),
        Map.entry("startSamples", startSamples),
        Map.entry("startSpacingMs", startSpacing.toMillis()),
        Map.entry("mixedWindowSeconds", mixedWindow.toSeconds()),
        Map.entry("mixedSubmitters", mixedSubmitters),
        Map.entry("cancelSamples", cancelSamples),
        Map.entry("jdbcBatch", JDBC_BATCH));
  }

  /** Bad command line; a null message asks for the usage text only. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
