package dev.tasklane.engine.claim;

import dev.tasklane.core.LaneConfig;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskId;
import dev.tasklane.engine.execute.Execution;
import dev.tasklane.store.ClaimRequest;
import dev.tasklane.store.TaskStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims queued tasks while this node has free worker slots, and starts each on a virtual thread
 * as soon as its claim is committed. It sleeps until woken: by a submit, a finished task, a task
 * becoming due, or (as a safety net) the maintenance interval. Wake, don't poll.
 *
 * <p>It claims only as many tasks as it has free slots: a claimed task is {@code running} to
 * everyone who looks, so it is claimed only to start at once. (Claiming quick tasks ahead of free
 * slots made commits bigger, and showed tasks running that waited in memory.)
 */
public final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final TaskStore store;
  private final Clock clock;
  private final LaneConfig config;
  private final Function<Task, Execution> launcher;
  private final Set<String> kinds;
  /** Attempts of this node until their outcome is stored (leases to renew, progress to show). */
  public final Map<TaskId, Execution> running = new ConcurrentHashMap<>();
  /**
   * Worker slots in use: a slot is freed when the handler returns, before its outcome is written,
   * so the next claim can share that write's commit. Safe because the database still counts the
   * task as running until then: session and kind limits stay conservative.
   */
  private final AtomicInteger busy = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wakeup = lock.newCondition();
  private boolean woken;
  private volatile boolean stopped;
  private Thread thread;

  public Dispatcher(TaskStore store, Clock clock, LaneConfig config, Set<String> kinds, Function<Task, Execution> launcher) {
    this.store = store;
    this.clock = clock;
    this.config = config;
    this.kinds = kinds;
    this.launcher = launcher;
  }

  public void start() {
    thread = Thread.ofPlatform().name("tasklane-dispatcher").daemon(true).start(this::loop);
  }

  public void wake() {
    lock.lock();
    try {
      woken = true;
      wakeup.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Stops claiming and starting; running tasks go on. */
  public void stop() {
    stopped = true;
    wake();
    if (thread != null) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The handler returned: its slot is free (its outcome may still be on its way to the database). */
  public void slotFreed() {
    busy.decrementAndGet();
    wake();
  }

  /** The attempt's outcome is stored (or given up on). */
  public void finished(Execution e) {
    running.remove(e.taskId(), e);
  }

  private void loop() {
    while (!stopped) {
      try {
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

  public boolean hasFreeSlot() {
    return free() > 0;
  }

  /**
   * What this dispatcher's claims ask for. The capacity is read when the claim runs in the writer:
   * slots freed while it waited count too.
   */
  public ClaimRequest claimRequest() {
    return new ClaimRequest(config.nodeId(), this::free, Set.copyOf(kinds), config.perSession(), config.perKind(),
        config.leaseDuration());
  }

  private int claim() {
    List<Task> tasks = store.claim(claimRequest(), clock.instant());
    for (Task t : tasks) {
      Execution e = launcher.apply(t);
      running.put(t.id(), e);
      busy.incrementAndGet();
      e.start();
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
