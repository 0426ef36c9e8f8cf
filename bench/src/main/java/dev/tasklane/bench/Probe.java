package dev.tasklane.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every contender's no-op handler calls on its first line: it records when task {@code seq}
 * started, counts the run, and, while the gate is closed, holds the worker. A closed gate lets a
 * benchmark queue up tasks before the workers may drain them; it is the same for every contender.
 *
 * <p>The peers' job classes reach it statically (JobRunr serialises a static method call), so the
 * probe of the scenario running now is kept in {@link #current()}.
 */
public final class Probe {
  /** How long a held worker waits for the gate at most, so that no run can hang the harness. */
  private static final Duration GATE_LIMIT = Duration.ofMinutes(10);
  private static volatile Probe current = new Probe(0, false);

  private final AtomicLongArray startedAt;
  private final LongAdder runs = new LongAdder();
  private final CountDownLatch gate;

  private Probe(int size, boolean gateClosed) {
    startedAt = new AtomicLongArray(size);
    gate = new CountDownLatch(gateClosed ? 1 : 0);
  }

  /** Installs a fresh probe for {@code size} tasks (seq 0 to size - 1) as the current one. */
  static Probe install(int size, boolean gateClosed) {
    Probe p = new Probe(size, gateClosed);
    current = p;
    return p;
  }

  public static Probe current() {
    return current;
  }

  /** The handler's first line: records the start of {@code seq}, then waits while the gate is closed. */
  public void started(long seq) throws InterruptedException {
    if (seq >= 0 && seq < startedAt.length()) startedAt.compareAndSet((int) seq, 0, System.nanoTime());
    runs.increment();
    if (!gate.await(GATE_LIMIT.toSeconds(), TimeUnit.SECONDS)) throw new IllegalStateException("gate never opened");
  }

  void openGate() {
    gate.countDown();
  }

  long runs() {
    return runs.sum();
  }

  /** When task {@code seq} started (System.nanoTime), or 0 if it has not. */
  long startedAt(int seq) {
    return startedAt.get(seq);
  }
}
