package dev.tasklane.gateway.api;

import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import java.time.Duration;

/** A {@code rate_limited} refusal that knows when to come back: sent as HTTP's {@code Retry-After}. */
public final class RetryLater extends LaneException {
  private final Duration after;

  public RetryLater(String message, Duration after) {
    super(ErrorCode.RATE_LIMITED, message);
    this.after = after;
  }

  /** Whole seconds to wait, at least one. */
  public long seconds() {
    return Math.max(1, (after.toMillis() + 999) / 1000);
  }
}
