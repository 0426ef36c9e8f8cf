package dev.tasklane.core;

import java.util.Locale;

/** What a submit does when its session already has a task queued or running. */
public enum BusyPolicy {
  /** Wait behind the session's earlier tasks (the default). */
  ENQUEUE,
  /** Cancel the session's queued and running tasks, then run the new one. */
  INTERRUPT,
  /** Refuse the new task with {@link ErrorCode#BUSY}. */
  REJECT,
  /** Run beside the session's other tasks: not counted against the per-session limit. */
  PARALLEL;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static BusyPolicy fromWire(String s) {
    try {
      return valueOf(s.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new LaneException(ErrorCode.BAD_REQUEST, "unknown busy policy: '" + s + "' (enqueue, interrupt, reject, parallel)");
    }
  }
}
