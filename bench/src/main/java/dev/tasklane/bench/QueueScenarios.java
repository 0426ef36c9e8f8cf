package dev.tasklane.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The measurements run the same way on every contender: drain throughput of pre-submitted no-op
 * tasks, and submit → start latency with idle workers.
 */
final class QueueScenarios {
  private QueueScenarios() {}

  /** Sizes and limits of the shared scenarios. */
  record Plan(int workers, Duration drainTimeout, int startSamples, Duration startSpacing, Duration startTimeout) {
    Plan withWorkers(int w) {
      return new Plan(w, drainTimeout, startSamples, startSpacing, startTimeout);
    }
  }

  /** What a drain run measured; the heap figures are filled only when asked for. */
  record Drain(int tasks, double preloadSeconds, double drainSeconds, long heapBefore, long heapQueued) {
    double tasksPerSecond() {
      return tasks / drainSeconds;
    }
  }

  /**
   * Queues {@code tasks} no-op tasks behind a closed gate, then opens it and times until the store
   * records every one of them completed.
   */
  static Drain drain(Contender.Factory factory, Path file, int tasks, Plan plan, boolean measureHeap) throws Exception {
    Probe probe = Probe.install(tasks, true);
    try (Contender c = factory.open(file, plan.workers())) {
      long heapBefore = measureHeap ? HeapGauge.usedAfterGc() : 0;
      long t0 = System.nanoTime();
      c.preload(0, tasks);
      double preloadSeconds = (System.nanoTime() - t0) / 1e9;
      long heapQueued = measureHeap ? HeapGauge.usedAfterGc() : 0;
      long start = System.nanoTime();
      probe.openGate();
      try {
        Waits.until(c.name() + ": every handler ran", plan.drainTimeout(), Duration.ofMillis(10),
            () -> probe.runs() >= tasks);
        Waits.until(c.name() + ": every task stored as completed", remaining(plan.drainTimeout(), start),
            Duration.ofMillis(5), () -> c.completed() >= tasks);
      } catch (TimedOut e) {
        double seconds = (System.nanoTime() - start) / 1e9;
        long ran = Math.min(probe.runs(), tasks);
        throw new TimedOut(String.format(Locale.ROOT, "%s: %d of %d tasks ran in %.0f s (%.0f tasks/s so far)",
            e.getMessage(), ran, tasks, seconds, ran / seconds));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Drain(tasks, preloadSeconds, seconds, heapBefore, heapQueued);
    }
  }

  /**
   * Submits {@code startSamples} tasks one at a time at a steady pace (so the workers are idle when
   * each arrives) and measures from the submit call to the handler's first line. A few warm-up
   * tasks run first and are not counted.
   */
  static Latencies submitToStart(Contender.Factory factory, Path file, Plan plan) throws Exception {
    int warmup = 5;
    int total = warmup + plan.startSamples();
    Probe probe = Probe.install(total, false);
    long[] submittedAt = new long[total];
    try (Contender c = factory.open(file, plan.workers())) {
      long begin = System.nanoTime();
      for (int i = 0; i < total; i++) {
        Waits.sleepUntil(begin + i * plan.startSpacing().toNanos());
        submittedAt[i] = System.nanoTime();
        c.submit(i);
      }
      Waits.until(c.name() + ": every sampled task started", plan.startTimeout(), Duration.ofMillis(5),
          () -> probe.runs() >= total);
      List<Long> samples = new ArrayList<>();
      for (int i = warmup; i < total; i++) samples.add(probe.startedAt(i) - submittedAt[i]);
      return new Latencies(samples.stream().mapToLong(Long::longValue).toArray());
    }
  }

  private static Duration remaining(Duration timeout, long startNanos) {
    long left = timeout.toNanos() - (System.nanoTime() - startNanos);
    return Duration.ofNanos(Math.max(left, 0));
  }
}
