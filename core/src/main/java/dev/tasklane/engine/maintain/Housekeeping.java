package dev.tasklane.engine.maintain;

import dev.tasklane.core.LaneConfig;
import dev.tasklane.core.RetryPolicy;
import dev.tasklane.core.TaskId;
import dev.tasklane.engine.claim.Dispatcher;
import dev.tasklane.engine.execute.Execution;
import dev.tasklane.store.TaskStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loops that guarantee every task ends: lease renewal for this node's tasks (heartbeat), the
 * lease reaper for other nodes' dead ones, expiry, overdue cancels, and the retention purge. Each
 * is cheap and runs on its own schedule.
 */
public final class Housekeeping {
  private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);
  private static final Duration PURGE_EVERY = Duration.ofMinutes(1);

  private final TaskStore store;
  private final Clock clock;
  private final LaneConfig config;
  private final Dispatcher dispatcher;
  private final RetryPolicy retries;
  private Instant lastPurge = Instant.EPOCH;
  /** When the leases of the tasks running here were last renewed (or there were none). */
  private Instant renewedAt;

  public Housekeeping(TaskStore store, Clock clock, LaneConfig config, Dispatcher dispatcher, RetryPolicy retries) {
    this.store = store;
    this.clock = clock;
    this.config = config;
    this.dispatcher = dispatcher;
    this.retries = retries;
    this.renewedAt = clock.instant();
  }

  public void start(ScheduledExecutorService timers) {
    long beat = config.heartbeatInterval().toMillis();
    long tick = config.maintenanceInterval().toMillis();
    timers.scheduleWithFixedDelay(() -> guarded("heartbeat", this::heartbeat), beat, beat, TimeUnit.MILLISECONDS);
    timers.scheduleWithFixedDelay(() -> guarded("maintenance", this::maintain), tick, tick, TimeUnit.MILLISECONDS);
  }

  /**
   * Renews this node's row and the leases of the tasks running here; stops those taken away or
   * canceled elsewhere. When the leases could not be renewed for a whole lease duration (the
   * database is out of reach), the other nodes take those tasks over: the handlers here are
   * stopped rather than left to run twice.
   */
  public synchronized void heartbeat() {
    Map<TaskId, Long> fences = new HashMap<>();
    dispatcher.running.forEach((id, e) -> fences.put(id, e.fence()));
    Instant now = clock.instant();
    TaskStore.Renewal r;
    try {
      r = store.heartbeat(config.concurrency(), fences, now, now.plus(config.leaseDuration()));
    } catch (RuntimeException e) {
      if (!fences.isEmpty() && Duration.between(renewedAt, now).compareTo(config.leaseDuration()) >= 0) {
        log.error("the leases of {} tasks running here could not be renewed for {}: other nodes may run them now,"
            + " so they are stopped here", fences.size(), config.leaseDuration());
        fences.keySet().forEach(id -> stopIfRunning(id, Execution.Stop.LEASE_LOST));
      }
      throw e;
    }
    renewedAt = now;
    for (TaskId id : r.lost()) stopIfRunning(id, Execution.Stop.LEASE_LOST);
    for (TaskId id : r.cancelRequested()) stopIfRunning(id, Execution.Stop.CANCEL);
  }

  public void maintain() {
    Instant now = clock.instant();
    int changed = store.reapLeases(now, false, retries) + store.expire(now)
        + store.forceCancels(now, config.cancelGrace());
    if (Duration.between(lastPurge, now).compareTo(PURGE_EVERY) >= 0) {
      lastPurge = now;
      int purged = store.purge(now.minus(config.retention()));
      if (purged > 0) log.info("purged {} tasks finished more than {} ago", purged, config.retention());
    }
    if (changed > 0) dispatcher.wake();
  }

  private void stopIfRunning(TaskId id, Execution.Stop reason) {
    Execution e = dispatcher.running.get(id);
    if (e != null) e.stop(reason);
  }

  private static void guarded(String name, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException | Error e) {
      // A periodic task that throws is never scheduled again: nothing may escape.
      log.error("{} failed; it runs again on its next tick", name, e);
    }
  }
}
