package dev.tasklane.core;

import java.time.Duration;
import java.time.Instant;

/**
 * The one place that decides what happens to a task whose attempt ended without a result: another
 * attempt (when) or the end ({@code failed}, with which error). It decides for a handler's failure
 * and for a lost lease (the node running it died) alike.
 *
 * <p>A retryable error runs again while attempts are left, after exponential backoff with jitter
 * ({@link Backoff}) or the delay the handler asked for; a lost lease runs again at once (the attempt
 * did not fail, its node did). Otherwise the task fails with the error, saying that no attempt is
 * left when that is why.
 */
public final class RetryPolicy {
  private final Backoff backoff;

  public RetryPolicy(Duration base, Duration max) {
    this.backoff = new Backoff(base, max);
  }

  public static RetryPolicy of(LaneConfig config) {
    return new RetryPolicy(config.retryBase(), config.retryMax());
  }

  /** What to do with a task after an attempt. */
  public sealed interface Decision permits Retry, Fail {}

  /** Queued again, to run from {@code notBefore}, with {@code error} as its last error. */
  public record Retry(Instant notBefore, TaskError error) implements Decision {}

  /** Failed for good with {@code error}. */
  public record Fail(TaskError error) implements Decision {}

  /**
   * After the handler of attempt {@code task.attempt()} failed with {@code error}.
   *
   * @param retryAfter the delay the handler asked for, or null for the backoff
   */
  public Decision afterFailure(Task task, TaskError error, Duration retryAfter, Instant now) {
    if (!error.retryable()) return new Fail(error);
    if (task.attempt() >= task.maxAttempts()) {
      return new Fail(new TaskError(error.code(), error.message() + " (attempt " + task.attempt() + " of "
          + task.maxAttempts() + ", no attempts left)", false));
    }
    return new Retry(now.plus(retryAfter != null ? retryAfter : backoff.delay(task.attempt())), error);
  }

  /** After the node running {@code task} stopped renewing its lease (it crashed or stalled). */
  public Decision afterLostLease(Task task, Instant now) {
    String owner = task.lease() == null ? "a worker" : task.lease().owner();
    if (task.attempt() >= task.maxAttempts()) {
      return new Fail(new TaskError(TaskError.LEASE_EXPIRED,
          owner + " stopped renewing its lease, and all " + task.maxAttempts() + " attempts are used", false));
    }
    return new Retry(now, new TaskError(TaskError.LEASE_EXPIRED,
        owner + " stopped renewing its lease (crashed or stalled); running again", true));
  }
}
