package dev.tasklane.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/** What a running handler sees of its task and how it talks back to the lane. */
public interface TaskContext {
  /** The task as it was claimed for this attempt. */
  Task task();

  default TaskId id() {
    return task().id();
  }

  default String sessionKey() {
    return task().sessionKey();
  }

  /**
   * The task's input. For a task with {@code dependsOn}, an object input also carries
   * {@code "dependencies": [{"id", "result"}, ...]} with the results of the tasks it waited for, in
   * the order they were named.
   */
  JsonNode input();

  /** 1 on the first attempt. */
  default int attempt() {
    return task().attempt();
  }

  /**
   * Reports progress. Cheap: call it as often as you like; the lane keeps the latest value visible at
   * once and persists it at a bounded rate. A null fraction means "unknown".
   */
  void progress(Double fraction, String message);

  /** Counts one more step done, with a readable description of the current step. */
  void step(String message);

  /** Sets how many steps there will be, when known, so fractions can be derived. */
  void totalSteps(long total);

  /** Emits a line of output (stdout of a command, streamed text); coalesced into output events. */
  void output(String line);

  /** A line for the task's log: emitted as output and written to the lane's logger. */
  void log(String message);

  /** True once cancel was requested, or the attempt ran past its deadline or lost its lease. */
  boolean isCancelled();

  /** Throws {@link InterruptedException} if the attempt must stop. */
  default void checkCancelled() throws InterruptedException {
    if (isCancelled() || Thread.currentThread().isInterrupted()) throw new InterruptedException("task stopped");
  }

  /** Runs {@code action} once when the attempt must stop (cancel, deadline, lost lease). */
  void onCancel(Runnable action);

  /** When this attempt must end. */
  Instant deadline();

  /**
   * Submits a child task (parent = this task; session and origin default to this task's). The child
   * is durable when this returns.
   */
  Submitted spawn(SubmitRequest request);

  /** The checkpoint saved by an earlier attempt, if any. */
  Optional<JsonNode> checkpoint();

  /** Saves a checkpoint a later attempt can resume from; ignored if this attempt lost its lease. */
  void saveCheckpoint(JsonNode state);
}
