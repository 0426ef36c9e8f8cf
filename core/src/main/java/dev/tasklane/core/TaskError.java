package dev.tasklane.core;

/** Why an attempt or a task failed: a machine code, a message for people, and whether a retry may help. */
public record TaskError(String code, String message, boolean retryable) {
  public static final String TIMEOUT = "timeout";
  public static final String LEASE_EXPIRED = "lease_expired";
  public static final String HANDLER_ERROR = "handler_error";
  public static final String NO_HANDLER = "no_handler";
  public static final String DEPENDENCY_FAILED = "dependency_failed";
  public static final String CANCELED = "canceled";
  public static final String EXPIRED = "expired";
  public static final String INTERRUPTED = "interrupted";

  public TaskError {
    if (code == null || code.isBlank()) code = HANDLER_ERROR;
    if (message == null) message = code;
  }
}
