package dev.tasklane.core;

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
}
