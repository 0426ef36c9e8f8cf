package dev.tasklane.bench;

import dev.tasklane.core.Page;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.core.TaskState;
import dev.tasklane.engine.Lane;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The WebSocket load test ({@code ./tasklane load}): well-behaved clients creating tasks, first alone,
 * then beside clients that never read what they asked for and clients that drop their connection
 * mid-request and retry. Reports the acknowledgement latency of the well-behaved clients in both
 * phases, what the server held for the slow readers, and whether every acknowledged task is there,
 * once, completed, at the end. Exits 1 if a task was lost or duplicated.
 */
public final class LoadTest {
  private static final String USAGE = """
      usage: tasklane load [--clients N] [--rate N] [--slow N] [--churn N] [--seconds N]
        --clients N   well-behaved clients creating tasks (default 32)
        --rate N      tasks a second each of them creates (default 20)
        --slow N      clients that ask for 2 MB answers and never read them (default 4)
        --churn N     clients that drop the connection after each create and send it again (default 4)
        --seconds N   length of the loaded phase; the phase without them is half as long (default 30)""";

  private LoadTest() {}

  public static void main(String[] args) throws Exception {
    Map<String, Integer> o = new java.util.HashMap<>(
        Map.of("--clients", 32, "--rate", 20, "--slow", 4, "--churn", 4, "--seconds", 30));
    for (int i = 0; i < args.length; i++) {
      if (!o.containsKey(args[i]) || i + 1 == args.length) {
        System.err.println(USAGE);
        System.exit(args[i].equals("--help") ? 0 : 2);
      }
      o.put(args[i], Integer.parseInt(args[++i]));
    }
    Path folder = Files.createTempDirectory("tasklane-load");
    int failures;
    try (LoadServer server = new LoadServer(folder)) {
      failures = run(server, o.get("--clients"), o.get("--rate"), o.get("--slow"), o.get("--churn"),
          o.get("--seconds"));
    }
    System.exit(failures == 0 ? 0 : 1);
  }

  private static int run(LoadServer server, int clients, int rate, int slow, int churn, int seconds) throws Exception {
    System.out.printf(Locale.ROOT, "Tasklane load test: %d clients creating %d tasks/s each; then beside %d slow "
        + "readers and %d churning clients; %d cpus%n", clients, rate, slow, churn,
        Runtime.getRuntime().availableProcessors());
    HttpClient http = HttpClient.newHttpClient();
    phase(server, http, "warm-up", clients, rate, 0, 0, 5);
    LoadTally alone = phase(server, http, "alone", clients, rate, 0, 0, Math.max(1, seconds / 2));
    AtomicLong mostBuffered = new AtomicLong();
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler = Thread.ofVirtual().start(() -> {
      while (sampling.get()) {
        try {
          mostBuffered.accumulateAndGet((long) server.metric("tasklane_ws_send_buffer_bytes"), Math::max);
          Thread.sleep(100);
        } catch (Exception e) {
          return;
        }
      }
    });
    LoadTally loaded = phase(server, http, "loaded", clients, rate, slow, churn, seconds);
    sampling.set(false);
    sampler.join();
    int failures = check(server.lane(), alone) + check(server.lane(), loaded);
    System.out.printf(Locale.ROOT, "server: %d slow-reader connections closed as too far behind, at most %.1f MB "
        + "waiting to be sent (sampled every 100 ms)%n",
        (long) server.metric("tasklane_ws_closed_behind_total"), mostBuffered.get() / 1e6);
    return failures;
  }

  /** Runs the clients for {@code seconds} and prints the well-behaved clients' acknowledgement latency. */
  private static LoadTally phase(LoadServer server, HttpClient http, String name, int clients, int rate, int slow,
      int churn, int seconds) throws Exception {
    LoadTally tally = new LoadTally();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    Concurrently.run(clients + slow + churn, i -> {
      if (i < clients) new CreatingClient(http, server.port(), "load:" + name + ":" + i, tally).run(rate, end);
      else if (i < clients + slow) new SlowReader(server.port(), tally).run(end);
      else new CreatingClient(http, server.port(), "load:" + name + ":churn" + i, tally).churn(end);
    });
    Latencies acks = new Latencies(tally.ackSamples());
    System.out.printf(Locale.ROOT, "  %-8s %6d acks in %2d s (%5.0f/s): p50 %6.2f ms  p99 %7.2f ms  max %7.2f ms;"
        + " %d resent, %d churned, %d slow readers dropped, %d refused%n", name, acks.count(), seconds,
        acks.count() / (double) seconds, acks.p50(), acks.p99(), acks.maxMs(), tally.resent.get(),
        tally.churned.get(), tally.slowDropped.get(), tally.refused.get());
    return tally;
  }

  /** Every acknowledged task is stored once per key sent, and completed; prints and counts what is not. */
  private static int check(Lane lane, LoadTally tally) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline && pending(lane) > 0) Thread.sleep(100);
    long lost = 0;
    long duplicated = 0;
    long unfinished = 0;
    long acknowledged = 0;
    for (var e : tally.keysSent.entrySet()) {
      Set<String> found = new HashSet<>();
      for (Task t : all(lane, e.getKey())) {
        found.add(t.id().toString());
        if (t.state() != TaskState.COMPLETED) unfinished++;
      }
      Set<String> acked = tally.acknowledged.getOrDefault(e.getKey(), Set.of());
      acknowledged += acked.size();
      lost += acked.stream().filter(id -> !found.contains(id)).count();
      duplicated += Math.max(0, found.size() - e.getValue().size());
    }
    System.out.printf(Locale.ROOT, "  check: %d acknowledged tasks: %d lost, %d duplicated, %d not completed%n",
        acknowledged, lost, duplicated, unfinished);
    return (int) (lost + duplicated + unfinished);
  }

  private static long pending(Lane lane) {
    Map<TaskState, Long> counts = lane.countByState();
    return counts.getOrDefault(TaskState.QUEUED, 0L) + counts.getOrDefault(TaskState.RUNNING, 0L);
  }

  private static Iterable<Task> all(Lane lane, String session) {
    java.util.List<Task> tasks = new java.util.ArrayList<>();
    String cursor = null;
    do {
      Page<Task> page = lane.list(TaskQuery.session(session).withLimit(TaskQuery.MAX_LIMIT).withCursor(cursor));
      tasks.addAll(page.items());
      cursor = page.nextCursor();
    } while (cursor != null);
    return tasks;
  }
}
