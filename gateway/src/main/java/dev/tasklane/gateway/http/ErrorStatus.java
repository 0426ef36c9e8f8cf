package dev.tasklane.gateway.http;

import dev.tasklane.core.ErrorCode;

/** The HTTP status that goes with each error code. */
public final class ErrorStatus {
  private ErrorStatus() {}

  public static int of(ErrorCode code) {
    return switch (code) {
      case BAD_REQUEST -> 400;
      case UNAUTHORIZED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT, BUSY -> 409;
      case TOO_LARGE -> 413;
      case RATE_LIMITED -> 429;
      case UNAVAILABLE -> 503;
      case INTERNAL -> 500;
    };
  }
}
