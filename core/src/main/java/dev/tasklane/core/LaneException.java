package dev.tasklane.core;

/** A request the lane refused; nothing was changed. Carries a structured {@link ErrorCode}. */
public class LaneException extends RuntimeException {
  private final ErrorCode code;

  public LaneException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public LaneException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
