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
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims queued tasks while this node has free worker slots, and starts each on a virtual thread.
 * It sleeps until woken: by a submit, a finished task, a task becoming due, or (as a safety net)
 * the maintenance interval. Wake, don't poll.
 */
final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final TaskStore store;
  private final Clock clock;
  private final LaneConfig config;
  private final Function<Task, Execution> launcher;
  private final Set<String> kinds;
  final Map<TaskId, Execution> running = new ConcurrentHashMap<>();
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

  /** Stops claiming; running tasks go on. */
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
  }

  void finished(Execution e) {
    running.remove(e.taskId(), e);
    wake();
  }

  private void loop() {
    while (!stopped) {
      try {
        int free = config.concurrency() - running.size();
        int claimed = free > 0 ? claim(free) : 0;
        if (claimed > 0 && claimed == free) continue; // there may be more: claim again at once
        sleep(claimed > 0 ? Duration.ZERO : untilNextDue());
      } catch (RuntimeException e) {
        log.error("claiming tasks failed; trying again shortly", e);
        sleep(Duration.ofSeconds(1));
      }
    }
  }

  private int claim(int free) {
    ClaimRequest request = new ClaimRequest(config.nodeId(), free, Set.copyOf(kinds), config.perSession(),
        config.perKind(), config.leaseDuration());
    List<Task> tasks = store.claim(request, clock.instant());
    for (Task t : tasks) {
      Execution e = launcher.apply(t);
      running.put(t.id(), e);
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
