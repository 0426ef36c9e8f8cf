package dev.tasklane.bench;

import dev.tasklane.core.EventType;
import dev.tasklane.core.Subscription;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/** The measurements only Tasklane takes: submit latency, mixed load, and cancel latency. */
final class TasklaneScenarios {
  private static final Duration WAIT_LIMIT = Duration.ofSeconds(30);
  /** Submits of each concurrent level in a warm-up round. */
  private static final int WARMUP_SUBMITS = 16_384;
  /** Submits of the lone submitter in a warm-up round (one at a time: slower to send). */
  private static final int WARMUP_LONE_SUBMITS = 512;
  /**
   * Numbers for tasks nobody times: beyond any probe's range, and growing, so that they spread over
   * all sessions like the timed ones.
   */
  private static final AtomicLong UNTIMED = new AtomicLong(1L << 40);

  private TasklaneScenarios() {}

  /**
   * Durable submit latency with {@code submitters} virtual threads each submitting
   * {@code perSubmitter} tasks back to back. The workers are held by a closed gate, so only the
   * submits touch the database.
   */
  static Latencies submitLatency(TasklaneContender lane, int submitters, int perSubmitter) throws Exception {
    long[] samples = new long[submitters * perSubmitter];
    Concurrently.run(submitters, t -> {
      for (int i = 0; i < perSubmitter; i++) {
        long before = System.nanoTime();
        lane.submit(UNTIMED.getAndIncrement());
        samples[t * perSubmitter + i] = System.nanoTime() - before;
      }
    });
    return new Latencies(samples);
  }

  /**
   * Submit latency of {@code submitters} threads that each submit at a fixed pace (one every
   * {@code interval}, the threads' starts spread over one interval), rather than back to back: the
   * latency at a given offered load below saturation. A submit that falls behind its schedule is
   * sent at once, so a slow lane shows as latency rather than as a lower rate.
   */
  static Latencies pacedSubmitLatency(TasklaneContender lane, int submitters, int perSubmitter, Duration interval)
      throws Exception {
    long[] samples = new long[submitters * perSubmitter];
    long begin = System.nanoTime();
    Concurrently.run(submitters, t -> {
      long offset = interval.toNanos() * t / submitters;
      for (int i = 0; i < perSubmitter; i++) {
        Waits.sleepUntil(begin + offset + i * interval.toNanos());
        long before = System.nanoTime();
        lane.submit(UNTIMED.getAndIncrement());
        samples[t * perSubmitter + i] = System.nanoTime() - before;
      }
    });
    return new Latencies(samples);
  }

  /**
   * Submits tasks from 1, 16, then 256 threads, round after round until the JIT has compiled the
   * submit path ({@link JitWarmUp}), so that the timed submits measure a server that has run a
   * while, not the JIT compiling it; then collects the heap, so that what start-up left (schema
   * migration, class loading) is in the old generation, as it would be by then, instead of being
   * copied again by every young collection of the timed run. The rounds run the timed levels' own
   * code, {@link #submitLatency} and the sorting of its samples, and throw the figures away: when
   * they ran a loop of their own, the JIT compiled the timed loop and the sort during the first
   * 256-submitter level.
   */
  static JitWarmUp.Outcome warmUp(TasklaneContender lane) throws Exception {
    JitWarmUp.Outcome outcome = JitWarmUp.ofThisJvm().run(() -> {
      for (int level : new int[] {1, 16, 256}) {
        submitLatency(lane, level, level == 1 ? WARMUP_LONE_SUBMITS : WARMUP_SUBMITS / level).p99();
      }
    });
    System.gc();
    return outcome;
  }

  /** What the mixed run measured. */
  record Mixed(double completedPerSecond, double submittedPerSecond, Latencies submits) {}

  /**
   * Submitters and workers at once: {@code submitters} threads submit back to back for
   * {@code window} while the workers drain; counts what completed meanwhile.
   */
  static Mixed mixed(TasklaneContender lane, int submitters, Duration window) throws Exception {
    Probe.install(0, false);
    warmUp(lane);
    List<List<Long>> perThread = new ArrayList<>();
    for (int i = 0; i < submitters; i++) perThread.add(new ArrayList<>());
    long completedBefore = lane.completed();
    long start = System.nanoTime();
    long end = start + window.toNanos();
    Concurrently.run(submitters, t -> {
      List<Long> mine = perThread.get(t);
      while (System.nanoTime() < end) {
        long before = System.nanoTime();
        lane.submit(UNTIMED.getAndIncrement());
        mine.add(System.nanoTime() - before);
      }
    });
    double seconds = (System.nanoTime() - start) / 1e9;
    long completed = lane.completed() - completedBefore;
    long[] samples = perThread.stream().flatMap(List::stream).mapToLong(Long::longValue).toArray();
    return new Mixed(completed / seconds, samples.length / seconds, new Latencies(samples));
  }

  /**
   * Cancel latency of a running cooperative task: from the cancel call to the {@code canceled} event
   * arriving through {@code subscribeTask}.
   */
  static Latencies cancelLatency(Path file, int workers, int sessions, int samples) throws Exception {
    Probe probe = Probe.install(samples, false);
    long[] latencies = new long[samples];
    try (TasklaneContender c = new TasklaneContender(file, workers, sessions)) {
      for (int i = 0; i < samples; i++) {
        int seq = i;
        TaskId id = c.submit(TasklaneContender.COOPERATIVE, seq).task().id();
        Waits.until("cooperative task " + id + " started", WAIT_LIMIT, Duration.ofMillis(1),
            () -> probe.startedAt(seq) != 0);
        CompletableFuture<Long> canceledAt = new CompletableFuture<>();
        try (Subscription sub = c.lane().subscribeTask(id, 0, e -> {
          if (e.type() == EventType.CANCELED) canceledAt.complete(System.nanoTime());
        })) {
          long before = System.nanoTime();
          TaskState after = c.lane().cancel(id).state();
          try {
            latencies[i] = canceledAt.get(WAIT_LIMIT.toSeconds(), TimeUnit.SECONDS) - before;
          } catch (TimeoutException e) {
            throw new TimedOut("no canceled event for " + id + " within " + WAIT_LIMIT.toSeconds() + " s (state "
                + after.wire() + " after cancel)");
          }
        }
      }
    }
    return new Latencies(latencies);
  }
}
