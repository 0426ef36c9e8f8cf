package dev.tasklane.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.gateway.api.Json;
import io.javalin.http.Context;

/** Writes JSON responses and structured errors. */
public final class HttpJson {
  private HttpJson() {}

  public static void ok(Context ctx, int status, JsonNode body) {
    ctx.status(status).contentType("application/json").result(Json.write(body));
  }

  public static void error(Context ctx, ErrorCode code, String message) {
    ok(ctx, ErrorStatus.of(code), Json.error(code, message));
  }

  /** The error code for an HTTP status Javalin produced by itself (unknown route, body over its limit). */
  public static ErrorCode codeFor(int status) {
    return switch (status) {
      case 401 -> ErrorCode.UNAUTHORIZED;
      case 403 -> ErrorCode.FORBIDDEN;
      case 404, 405 -> ErrorCode.NOT_FOUND;
      case 409 -> ErrorCode.CONFLICT;
      case 413 -> ErrorCode.TOO_LARGE;
      case 429 -> ErrorCode.RATE_LIMITED;
      case 503 -> ErrorCode.UNAVAILABLE;
      default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST;
    };
  }
}
