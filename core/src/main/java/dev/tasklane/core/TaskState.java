package dev.tasklane.core;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The states of a task and the one table of legal transitions between them.
 *
 * <pre>
 * from     to         when
 * queued   running    a worker claims it
 * queued   canceled   cancel
 * queued   expired    expiresAt passed before it started
 * queued   failed     a task it depends on failed, was canceled or expired
 * running  completed  the handler returned
 * running  failed     non-retryable error, deadline passed, or attempts exhausted
 * running  queued     retryable error or lost lease with attempts left
 * running  canceled   cancel took effect (handler stopped, or grace period ended)
 * </pre>
 *
 * Terminal states ({@code completed, failed, canceled, expired}) have no way out.
 */
public enum TaskState {
  /** Waiting for a worker; moved out by a claim, a cancel, expiry or a failed dependency. */
  QUEUED,
  /** Claimed by a worker holding a lease; moved out by the worker's outcome, cancel, or the lease reaper. */
  RUNNING,
  COMPLETED,
  FAILED,
  CANCELED,
  EXPIRED;

  private static final Map<TaskState, Set<TaskState>> NEXT =
      Map.of(
          QUEUED, EnumSet.of(RUNNING, CANCELED, EXPIRED, FAILED),
          RUNNING, EnumSet.of(COMPLETED, FAILED, QUEUED, CANCELED),
          COMPLETED, EnumSet.noneOf(TaskState.class),
          FAILED, EnumSet.noneOf(TaskState.class),
          CANCELED, EnumSet.noneOf(TaskState.class),
          EXPIRED, EnumSet.noneOf(TaskState.class));

  public boolean canMoveTo(TaskState next) {
    return NEXT.get(this).contains(next);
  }

  /** Throws {@link IllegalStateException} unless {@code this → next} is in the table. */
  public void checkMoveTo(TaskState next) {
    if (!canMoveTo(next)) throw new IllegalStateException("illegal transition " + this.wire() + " -> " + next.wire());
  }

  public boolean isTerminal() {
    return NEXT.get(this).isEmpty();
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TaskState fromWire(String s) {
    try {
      return valueOf(s.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new LaneException(ErrorCode.BAD_REQUEST, "unknown state: '" + s + "'");
    }
  }
}
