package dev.tasklane.core;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The work behind one task kind. Register an implementation with {@link dev.tasklane.engine.Lane.Builder#handler}.
 *
 * <p>A handler may run more than once for the same task (a retry, or a crash before its outcome was
 * stored): execution is at least once. Make it safe to repeat, or save a checkpoint and resume.
 * Stop promptly when {@link TaskContext#isCancelled()} turns true or the thread is interrupted.
 */
@FunctionalInterface
public interface TaskHandler {
  /**
   * Does the work. Return the result; throw {@link TaskFailure} to fail with a code (retryable or
   * not); any other exception is a retryable {@code handler_error}.
   */
  TaskResult run(TaskContext ctx) throws Exception;

  /**
   * Checks a task's input when it is submitted, before anything is stored: a {@link TaskFailure}
   * refuses the submit ({@code bad_request}, with its message), so a caller learns of a wrong input
   * at once, not from a task that fails. Check only the input's shape: the node that runs the task
   * may have other folders, profiles or credentials than the one that takes the request. It runs on
   * every submit, so it must be quick and change nothing. The default accepts every input.
   */
  default void checkInput(JsonNode input) throws TaskFailure {}
}
