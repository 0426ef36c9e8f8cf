package dev.tasklane.engine.execute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.core.BusyPolicy;
import dev.tasklane.core.LaneConfig;
import dev.tasklane.core.Origin;
import dev.tasklane.core.Progress;
import dev.tasklane.core.RetryPolicy;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Submitted;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskContext;
import dev.tasklane.core.TaskError;
import dev.tasklane.core.TaskFailure;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskResult;
import dev.tasklane.store.TaskStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of one task on this node: runs the handler on a virtual thread, stops it when told
 * (cancel, deadline, lost lease, shutdown), coalesces its progress, and writes its outcome guarded by
 * the fence. Reads as a pipeline: prepare the input, run, normalise the outcome, record it.
 */
public final class Execution implements TaskContext {
  private static final Logger log = LoggerFactory.getLogger(Execution.class);

  /** Why an attempt must stop; the first reason wins. */
  public enum Stop {
    CANCEL,
    DEADLINE,
    LEASE_LOST,
    SHUTDOWN
  }

  /** What an execution needs from its lane. */
  public record Services(TaskStore store, Clock clock, LaneConfig config, ScheduledExecutorService timers,
      Function<SubmitRequest, Submitted> submit, RetryPolicy retries, Runnable onHandlerReturned,
      Consumer<Execution> onFinish, Runnable onDiscarded) {}

  private final Services s;
  private final Task task;
  private final long fence;
  private final TaskHandler handler;
  private final Instant deadline;
  private final AtomicReference<Stop> stop = new AtomicReference<>();
  private final List<Runnable> cancelActions = new CopyOnWriteArrayList<>();
  private final ProgressBuffer progress;
  private volatile Thread thread;
  private volatile JsonNode input;
  private ScheduledFuture<?> deadlineTimer;

  public Execution(Services s, Task task, TaskHandler handler) {
    this.s = s;
    this.task = task;
    this.fence = task.lease().fence();
    this.handler = handler;
    this.deadline = task.startedAt().plus(task.deadline());
    this.progress = new ProgressBuffer(s.store(), s.clock(), s.config(), s.timers(), task.id(), fence,
        () -> stop(Stop.LEASE_LOST));
  }

  public void start() {
    long delay = Math.max(0, Duration.between(s.clock().instant(), deadline).toMillis());
    deadlineTimer = s.timers().schedule(() -> stop(Stop.DEADLINE), delay, TimeUnit.MILLISECONDS);
    thread = Thread.ofVirtual().name("tasklane-task-" + task.id()).start(this::run);
  }

  public TaskId taskId() {
    return task.id();
  }

  public long fence() {
    return fence;
  }

  /** Why the attempt was asked to stop, or null. */
  public Stop stopReason() {
    return stop.get();
  }

  public Progress latestProgress() {
    return progress.latest();
  }

  /** Asks the handler to stop: sets the token, runs its cancel actions, interrupts its thread. */
  public void stop(Stop reason) {
    if (!stop.compareAndSet(null, reason)) return;
    for (Runnable action : cancelActions) {
      try {
        action.run();
      } catch (RuntimeException e) {
        log.warn("cancel action of task {} failed", task.id(), e);
      }
    }
    Thread t = thread;
    if (t != null) t.interrupt();
  }

  private void run() {
    Outcome outcome;
    try {
      outcome = runHandler();
    } finally {
      deadlineTimer.cancel(false);
      s.onHandlerReturned().run();
    }
    CompletableFuture<Boolean> stored;
    try {
      stored = finish(outcome);
    } catch (RuntimeException | Error e) {
      s.onFinish().accept(this);
      throw e;
    }
    stored.whenComplete((applied, failure) -> {
      if (failure != null) {
        log.error("could not record the outcome of task {}; its lease will expire and it will run again",
            task.id(), failure);
      } else if (Boolean.FALSE.equals(applied)) {
        discarded();
      }
      s.onFinish().accept(this);
    });
  }

  /** The database refused this attempt's outcome: its fence is stale (its lease was lost). */
  private void discarded() {
    log.info("the outcome of task {} attempt {} was refused: the attempt no longer holds the task (fence {})",
        task.id(), task.attempt(), fence);
    s.onDiscarded().run();
  }

  /** Runs the handler and turns whatever it did into an outcome. */
  private Outcome runHandler() {
    // Stopped between its claim and its start (canceled, or shutting down): the handler never runs.
    if (stop.get() != null) return Outcome.interrupted();
    try {
      input = prepareInput();
      return Outcome.completed(handler.run(this));
    } catch (TaskFailure f) {
      return Outcome.failure(f.toError(), f.retryAfterDelay());
    } catch (InterruptedException e) {
      return Outcome.interrupted();
    } catch (Exception | StackOverflowError e) {
      if (stop.get() != null) return Outcome.interrupted();
      log.warn("task {} ({}) attempt {} threw", task.id(), task.kind(), task.attempt(), e);
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return Outcome.failure(new TaskError(TaskError.HANDLER_ERROR, message, true), null);
    }
  }

  /** A task that waited for others sees their results in its input, as {@code "dependencies"}. */
  private JsonNode prepareInput() {
    if (task.dependsOn().isEmpty() || !task.input().isObject()) return task.input();
    ObjectNode copy = ((ObjectNode) task.input()).deepCopy();
    ArrayNode deps = copy.putArray("dependencies");
    for (TaskId id : task.dependsOn()) {
      ObjectNode d = deps.addObject().put("id", id.toString());
      d.set("result", s.store().find(id).map(Task::result).orElse(null));
    }
    return copy;
  }

  private record Outcome(TaskResult result, TaskError error, Duration retryAfter, boolean stopped) {
    static Outcome completed(TaskResult r) {
      return new Outcome(r, null, null, false);
    }

    static Outcome failure(TaskError e, Duration retryAfter) {
      return new Outcome(null, e, retryAfter, false);
    }

    static Outcome interrupted() {
      return new Outcome(null, null, null, true);
    }
  }

  /**
   * Records the outcome; every write carries the fence, so a stale attempt changes nothing. A
   * completion, the common case, is not waited for: the returned future says when it is stored.
   */
  private CompletableFuture<Boolean> finish(Outcome o) {
    boolean wasInterrupted = Thread.interrupted(); // the writes below must not be cut short
    progress.flushNow();
    Instant now = s.clock().instant();
    TaskStore store = s.store();
    Stop reason = stop.get();
    boolean applied = true;
    try {
      if (reason == Stop.LEASE_LOST) {
        log.info("task {} lost its lease; its outcome is discarded", task.id());
        applied = false;
      } else if (reason == Stop.SHUTDOWN) {
        if (o.result() != null) applied = store.complete(task.id(), fence, o.result().value(), now);
        else applied = store.release(task.id(), fence, now);
      } else if (reason == Stop.CANCEL) {
        applied = store.cancelRunning(task.id(), fence, "canceled while running", now);
      } else if (reason == Stop.DEADLINE) {
        String message = "attempt ran past its deadline of " + describe(task.deadline());
        applied = store.fail(task.id(), fence, new TaskError(TaskError.TIMEOUT, message, false), now);
      } else if (o.result() != null) {
        return store.completeAsync(task.id(), fence, o.result().value(), now);
      } else if (o.stopped()) {
        TaskError e = new TaskError(TaskError.INTERRUPTED, "the handler was interrupted", true);
        applied = failOrRetry(e, null, now);
      } else {
        applied = failOrRetry(o.error(), o.retryAfter(), now);
      }
    } catch (RuntimeException e) {
      log.error("could not record the outcome of task {}; its lease will expire and it will run again",
          task.id(), e);
    } finally {
      if (wasInterrupted) Thread.currentThread().interrupt();
    }
    return CompletableFuture.completedFuture(applied);
  }

  private boolean failOrRetry(TaskError error, Duration retryAfter, Instant now) {
    return switch (s.retries().afterFailure(task, error, retryAfter, now)) {
      case RetryPolicy.Retry r -> s.store().retry(task.id(), fence, r.error(), r.notBefore(), now);
      case RetryPolicy.Fail f -> s.store().fail(task.id(), fence, f.error(), now);
    };
  }

  private static String describe(Duration d) {
    return d.toMinutes() >= 1 ? d.toMinutes() + " min" : d.toMillis() + " ms";
  }

  // ---- TaskContext ----

  @Override
  public Task task() {
    return task;
  }

  @Override
  public JsonNode input() {
    return input == null ? task.input() : input;
  }

  @Override
  public void progress(Double fraction, String message) {
    progress.update(p -> p.withFraction(fraction, message));
  }

  @Override
  public void step(String message) {
    progress.update(p -> p.withStep(message));
  }

  @Override
  public void totalSteps(long total) {
    progress.update(p -> new Progress(p.fraction(), p.message(), p.steps(), total));
  }

  @Override
  public void output(String line) {
    progress.output(line);
  }

  @Override
  public void log(String message) {
    log.info("task {}: {}", task.id(), message);
    progress.output(message);
  }

  @Override
  public boolean isCancelled() {
    return stop.get() != null;
  }

  @Override
  public void onCancel(Runnable action) {
    cancelActions.add(action);
    if (stop.get() != null) action.run();
  }

  @Override
  public Instant deadline() {
    return deadline;
  }

  /**
   * Children run beside their parent by default ({@link BusyPolicy#PARALLEL}): a parent waiting for a
   * child in a session that runs one task at a time would otherwise wait for itself.
   */
  @Override
  public Submitted spawn(SubmitRequest r) {
    String session = r.sessionKey() == null ? task.sessionKey() : r.sessionKey();
    Origin origin = r.origin() == Origin.NONE ? task.origin() : r.origin();
    BusyPolicy policy = r.busyPolicy() == null ? BusyPolicy.PARALLEL : r.busyPolicy();
    return s.submit().apply(new SubmitRequest(session, r.kind(), r.input(), r.priority(), r.maxAttempts(),
        r.notBefore(), r.expiresAt(), r.deadline(), r.idempotencyKey(), task.id(), r.dependsOn(), origin, policy));
  }

  @Override
  public Optional<JsonNode> checkpoint() {
    return s.store().checkpoint(task.id());
  }

  @Override
  public void saveCheckpoint(JsonNode state) {
    if (!s.store().saveCheckpoint(task.id(), fence, state)) stop(Stop.LEASE_LOST);
  }
}
