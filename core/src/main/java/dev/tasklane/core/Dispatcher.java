package dev.tasklane.core;

import dev.tasklane.store.ClaimRequest;
import dev.tasklane.store.TaskStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims queued tasks while this node has free worker slots, and starts each on a virtual thread.
 * It sleeps until woken: by a submit, a finished task, a task becoming due, or (as a safety net)
 * the maintenance interval. Wake, don't poll.
 *
 * <p>Claiming ahead: every claim is a commit the claimed tasks wait for. When tasks take about as
 * long as a commit, a claim sized to the free slots alone leaves slots idle between commits and
 * keeps commits small. So while recent tasks are quick (their handlers returned within
 * {@link #QUICK} on average), a claim also takes up to as many tasks as ended since the previous
 * one (at most {@code claimAhead}): they wait in {@link #ready}, and a worker whose handler returns
 * starts the next one at once on its slot. A task claimed ahead shows as running a little early;
 * if a slot does not free up within {@link #READY_MAX} (the quick tasks were followed by slow
 * ones), it goes back to the queue without spending an attempt.
 */
final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  /** Handlers returning within this on average make the lane claim ahead. */
  static final Duration QUICK = Duration.ofMillis(20);
  /** The longest a task claimed ahead waits for a slot before it goes back to the queue. */
  static final Duration READY_MAX = Duration.ofSeconds(1);

  private final TaskStore store;
  private final Clock clock;
  private final LaneConfig config;
  private final Function<Task, Execution> launcher;
  private final Set<String> kinds;
  /** Attempts of this node until their outcome is stored (leases to renew, progress to show). */
  final Map<TaskId, Execution> running = new ConcurrentHashMap<>();
  /**
   * Worker slots in use: a slot is freed when the handler returns, before its outcome is written,
   * so the next claim can share that write's commit. Safe because the database still counts the
   * task as running until then: session and kind limits stay conservative.
   */
  private final AtomicInteger busy = new AtomicInteger();
  /** Claimed tasks waiting for a slot (claimed ahead); also in {@link #running}. */
  private final ConcurrentLinkedQueue<Ready> ready = new ConcurrentLinkedQueue<>();
  /** Handlers that returned since the last claim began: how many to claim ahead next time. */
  private final AtomicInteger endedSinceClaim = new AtomicInteger();
  private volatile int claimAheadNow;
  /** Handlers' recent run time, a moving average (approximate under races, which is enough here). */
  private volatile long recentRunNanos = Long.MAX_VALUE;

  private record Ready(Execution execution, long sinceNanos) {}
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wakeup = lock.newCondition();
  private boolean woken;
  private volatile boolean stopped;
  private Thread thread;

  Dispatcher(TaskStore store, Clock clock, LaneConfig config, Set<String> kinds, Function<Task, Execution> launcher) {
    this.store = store;
    this.clock = clock;
    this.config = config;
    this.kinds = kinds;
    this.launcher = launcher;
  }

  void start() {
    thread = Thread.ofPlatform().name("tasklane-dispatcher").daemon(true).start(this::loop);
  }

  void wake() {
    lock.lock();
    try {
      woken = true;
      wakeup.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops claiming and starting; running tasks go on. Tasks claimed ahead that never started go back
   * to the queue without spending an attempt.
   */
  void stop() {
    stopped = true;
    wake();
    if (thread != null) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Ready r = ready.poll(); r != null; r = ready.poll()) handBack(r.execution(), TaskStore.SHUTDOWN);
  }

  /** Tasks claimed ahead that waited too long for a slot go back to the queue. */
  void handBackStale() {
    long now = System.nanoTime();
    for (Ready r : ready) {
      if (now - r.sinceNanos() > READY_MAX.toNanos() && ready.remove(r)) {
        log.info("task {} was claimed ahead but waited {} for a slot; handing it back to the queue",
            r.execution().taskId(), READY_MAX);
        handBack(r.execution(), new TaskError("requeued",
            "claimed ahead, but no worker slot freed up within " + READY_MAX.toMillis() + " ms; back in the queue",
            true));
      }
    }
  }

  /** A task claimed ahead that will not start here: queued again, or canceled if that was asked. */
  private void handBack(Execution e, TaskError reason) {
    try {
      Execution.Stop asked = e.stopReason();
      if (asked == Execution.Stop.CANCEL) {
        store.cancelRunning(e.taskId(), e.fence(), "canceled before it started", clock.instant());
      } else if (asked != Execution.Stop.LEASE_LOST) {
        store.release(e.taskId(), e.fence(), reason, clock.instant());
      }
    } catch (RuntimeException ex) {
      log.warn("could not hand task {} back; its lease will expire and it will run then", e.taskId(), ex);
    }
    running.remove(e.taskId(), e);
  }

  /** The handler returned after {@code ranNanos}: its slot goes to a task claimed ahead, or is free. */
  void slotFreed(long ranNanos) {
    long avg = recentRunNanos;
    recentRunNanos = avg == Long.MAX_VALUE ? ranNanos : avg - (avg >> 3) + (ranNanos >> 3);
    endedSinceClaim.incrementAndGet();
    Ready next = stopped ? null : ready.poll();
    if (next != null) {
      next.execution().start();
      return;
    }
    busy.decrementAndGet();
    wake();
  }

  /** The attempt's outcome is stored (or given up on). */
  void finished(Execution e) {
    running.remove(e.taskId(), e);
  }

  private void loop() {
    while (!stopped) {
      try {
        startReady();
        int claimed = free() > 0 ? claim() : 0;
        if (claimed > 0 && free() > 0) continue; // there may be more: claim again at once
        // With every slot busy, a freed slot wakes the loop: when the next task is due does not matter.
        sleep(claimed > 0 ? Duration.ZERO : free() > 0 ? untilNextDue() : config.maintenanceInterval());
      } catch (RuntimeException | Error e) {
        // An Error too (a StackOverflowError once came out of a claim): a dead dispatcher would
        // leave the lane taking submits that never run.
        log.error("claiming tasks failed; trying again shortly", e);
        sleep(Duration.ofSeconds(1));
      }
    }
  }

  private int free() {
    return config.concurrency() - busy.get();
  }

  boolean hasFreeSlot() {
    return free() > 0;
  }

  /** How many more tasks to claim ahead of free slots now. */
  private int aheadRoom() {
    return Math.max(0, claimAheadNow - ready.size());
  }

  /** Gives free slots to tasks claimed ahead (a worker may have freed its slot just before one arrived). */
  private void startReady() {
    while (!ready.isEmpty()) {
      if (busy.incrementAndGet() > config.concurrency()) {
        busy.decrementAndGet();
        return;
      }
      Ready r = ready.poll();
      if (r == null) {
        busy.decrementAndGet();
        return;
      }
      r.execution().start();
    }
  }

  /**
   * What a claim may take when it runs: the free slots and, only if there are some (tasks are
   * ending), as many ahead as recently ended. With every slot busy nothing is claimed ahead: tasks
   * wait claimed only while slots are freeing up.
   */
  private int capacity() {
    int free = free();
    return free > 0 ? free + aheadRoom() : 0;
  }

  private int claim() {
    int ended = endedSinceClaim.getAndSet(0);
    claimAheadNow = recentRunNanos <= QUICK.toNanos() ? Math.min(config.claimAhead(), ended) : 0;
    // Capacity is read when the claim runs in the writer: slots freed while it waited count too.
    ClaimRequest request = new ClaimRequest(config.nodeId(), this::capacity, Set.copyOf(kinds),
        config.perSession(), config.perKind(), config.leaseDuration());
    List<Task> tasks = store.claim(request, clock.instant());
    for (Task t : tasks) {
      Execution e = launcher.apply(t);
      running.put(t.id(), e);
      if (busy.incrementAndGet() <= config.concurrency()) {
        e.start();
      } else {
        busy.decrementAndGet();
        ready.add(new Ready(e, System.nanoTime()));
      }
    }
    return tasks.size();
  }

  private Duration untilNextDue() {
    Duration max = config.maintenanceInterval();
    Instant now = clock.instant();
    return store.nextDue(now).map(due -> Duration.between(now, due)).filter(d -> d.compareTo(max) < 0).orElse(max);
  }

  private void sleep(Duration d) {
    lock.lock();
    try {
      long nanos = d.toNanos();
      while (!woken && !stopped && nanos > 0) nanos = wakeup.awaitNanos(nanos);
      woken = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
    } finally {
      lock.unlock();
    }
  }
}
