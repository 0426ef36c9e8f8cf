package dev.tasklane.bench;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * Runs every measurement once, side by side, prints a table and writes the same figures as JSON to
 * {@code bench/results/latest.json}. {@code ./tasklane bench [--full]} builds and runs it.
 */
public final class Main {
  private static final String USAGE =
      """
      usage: tasklane bench [--full] [--workers N] [--drain-tasks N] [--out FILE] [--only TEXT]
        --full           full sizes (100,000 tasks drained, longer runs); about a minute without it
        --workers N      Tasklane's concurrency and each peer's worker count (default 32)
        --drain-tasks N  tasks Tasklane drains and keeps queued for the heap figure (10,000; 100,000 with --full)
        --out FILE       where to write the JSON (default bench/results/latest.json)
        --only TEXT      run only the measurements whose title contains TEXT (for profiling)""";

  private Main() {}

  public static void main(String[] args) throws Exception {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args, defaultOutput());
    } catch (BenchOptions.UsageException | NumberFormatException e) {
      if (e.getMessage() != null) System.err.println("tasklane bench: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(e.getMessage() == null ? 0 : 2);
      return;
    }
    Instant startedAt = Instant.now();
    long t0 = System.nanoTime();
    Report report = new Report();
    Machine machine;
    try (SqliteFiles files = new SqliteFiles(); BenchPostgres pg = new BenchPostgres()) {
      machine = Machine.describe(files.folder());
      System.out.printf(Locale.ROOT,
          "Tasklane bench (%s) on %d cpus (load average %.1f), %d MB (first touch %.1f us per 4 KiB page), %s %s;"
              + " data in %s%n",
          options.full() ? "full" : "quick", machine.cpus(), machine.loadAverage(), machine.memoryMb(),
          machine.firstTouchMicrosPerPage(), machine.jdk(), machine.jvmOptions(), machine.disk());
      for (Step step : Steps.all(options, files, pg)) {
        long s0 = System.nanoTime();
        System.out.printf("  %-32s", step.title() + " ...");
        System.out.flush();
        step.runInto(report);
        System.out.printf(Locale.ROOT, "%6.1f s%n", (System.nanoTime() - s0) / 1e9);
      }
    }
    Verdicts.add(report, options);
    report.printTable(System.out);
    double seconds = (System.nanoTime() - t0) / 1e9;
    String command = "./tasklane bench" + (args.length == 0 ? "" : " " + String.join(" ", args));
    Report.writeJson(report.document(command, options.full() ? "full" : "quick", startedAt, seconds, machine,
        options.describe()), options.output());
    System.out.printf(Locale.ROOT, "%nwrote %s (%.0f s)%n", options.output(), seconds);
    // Peers may leave non-daemon threads behind after a timed-out step; the figures are written.
    System.exit(0);
  }

  /** bench/results/latest.json beside the module the jar was built in, else under the working folder. */
  private static Path defaultOutput() {
    try {
      Path code = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path target = code.getParent();
      if (target != null && target.getFileName().toString().equals("target") && target.getParent() != null) {
        return target.getParent().resolve("results").resolve("latest.json");
      }
      if (code.getFileName().toString().equals("classes") && target != null && target.getParent() != null) {
        return target.getParent().resolve("results").resolve("latest.json");
      }
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      // fall through to the working folder
    }
    return Path.of("bench", "results", "latest.json");
  }
}
