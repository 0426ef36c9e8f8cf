package dev.tasklane.core;

import java.time.Duration;

/**
 * Thrown by a handler to fail an attempt with a code. A retryable failure goes back to the queue
 * while attempts are left (after {@code retryAfter} if given, else exponential backoff); a
 * permanent one fails the task at once.
 */
public class TaskFailure extends Exception {
  private final String code;
  private final boolean retryable;
  private final Duration retryAfter;

  public TaskFailure(String code, String message, boolean retryable, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }

  public static TaskFailure permanent(String code, String message) {
    return new TaskFailure(code, message, false, null, null);
  }

  public static TaskFailure retryable(String code, String message) {
    return new TaskFailure(code, message, true, null, null);
  }

  public static TaskFailure retryAfter(String code, String message, Duration after) {
    return new TaskFailure(code, message, true, after, null);
  }

  public String code() {
    return code;
  }

  public boolean isRetryable() {
    return retryable;
  }

  /** A delay the handler asks for before the next attempt (e.g. an HTTP Retry-After), or null. */
  public Duration retryAfterDelay() {
    return retryAfter;
  }

  public TaskError toError() {
    return new TaskError(code, getMessage(), retryable);
  }
}
