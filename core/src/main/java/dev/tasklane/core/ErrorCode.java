package dev.tasklane.core;

import java.util.Locale;

/** The codes of structured errors. Their lower-case names are the wire codes. */
public enum ErrorCode {
  BAD_REQUEST,
  UNAUTHORIZED,
  FORBIDDEN,
  NOT_FOUND,
  /** The same idempotency key was used with a different request. */
  CONFLICT,
  /** The input is larger than the configured limit. */
  TOO_LARGE,
  /** A count or rate limit was reached (for example pending tasks per session). */
  RATE_LIMITED,
  /** The session is busy and its busy policy is {@link BusyPolicy#REJECT}. */
  BUSY,
  /** The lane is shutting down or not started. */
  UNAVAILABLE,
  INTERNAL;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
