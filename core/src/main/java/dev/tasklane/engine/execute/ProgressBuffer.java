package dev.tasklane.engine.execute;

import dev.tasklane.core.LaneConfig;
import dev.tasklane.core.Progress;
import dev.tasklane.core.TaskId;
import dev.tasklane.store.TaskStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesces a handler's progress and output. The latest progress is visible at once (to
 * {@code Lane.get}); what is persisted, as events, is at most one write per progress interval, so
 * a handler reporting 10,000 times a second costs a few writes a second. Output beyond the
 * configured cap is dropped, with one line saying so.
 */
final class ProgressBuffer {
  private static final Logger log = LoggerFactory.getLogger(ProgressBuffer.class);

  private final TaskStore store;
  private final Clock clock;
  private final LaneConfig config;
  private final ScheduledExecutorService timers;
  private final TaskId id;
  private final long fence;
  private final Runnable onLeaseLost;

  private Progress latest = Progress.NONE;
  private boolean progressDirty;
  private final StringBuilder output = new StringBuilder();
  private long outputBytes;
  private boolean outputCapped;
  private boolean flushScheduled;

  ProgressBuffer(TaskStore store, Clock clock, LaneConfig config, ScheduledExecutorService timers, TaskId id,
      long fence, Runnable onLeaseLost) {
    this.store = store;
    this.clock = clock;
    this.config = config;
    this.timers = timers;
    this.id = id;
    this.fence = fence;
    this.onLeaseLost = onLeaseLost;
  }

  synchronized Progress latest() {
    return latest;
  }

  synchronized void update(UnaryOperator<Progress> change) {
    latest = change.apply(latest);
    progressDirty = true;
    scheduleFlush();
  }

  synchronized void output(String line) {
    if (outputCapped || line == null) return;
    long bytes = line.getBytes(StandardCharsets.UTF_8).length + 1L;
    if (outputBytes + bytes > config.maxOutputBytes()) {
      outputCapped = true;
      output.append("[output beyond ").append(config.maxOutputBytes()).append(" bytes is not kept]\n");
    } else {
      outputBytes += bytes;
      output.append(line).append('\n');
    }
    scheduleFlush();
  }

  private void scheduleFlush() {
    if (flushScheduled) return;
    flushScheduled = true;
    // The flush waits for a commit: run it on a virtual thread, not on the shared timer thread.
    timers.schedule(() -> Thread.startVirtualThread(this::flushNow), config.progressInterval().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Persists what is pending now (also called before the attempt's outcome is written). */
  void flushNow() {
    Progress p;
    String out;
    synchronized (this) {
      flushScheduled = false;
      if (!progressDirty && output.isEmpty()) return;
      p = progressDirty ? latest : null;
      out = output.isEmpty() ? null : output.toString();
      progressDirty = false;
      output.setLength(0);
    }
    try {
      if (!store.progress(id, fence, p, out, clock.instant())) onLeaseLost.run();
    } catch (RuntimeException e) {
      log.warn("could not persist progress of task {}", id, e);
    }
  }
}
