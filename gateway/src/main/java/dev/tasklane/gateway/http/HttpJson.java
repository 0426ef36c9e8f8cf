package dev.tasklane.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.gateway.api.Json;
import dev.tasklane.gateway.api.RetryLater;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Writes JSON responses and structured errors. */
public final class HttpJson {
  private HttpJson() {}

  public static void ok(Context ctx, int status, JsonNode body) {
    ctx.status(status).contentType("application/json").result(Json.write(body));
  }

  public static void error(Context ctx, ErrorCode code, String message) {
    ok(ctx, ErrorStatus.of(code), Json.error(code, message));
  }

  /** A refusal as a response: its status, a {@code Retry-After} when it says when to come back, the error. */
  public static void error(Context ctx, LaneException e) {
    if (e instanceof RetryLater later) ctx.header("Retry-After", Long.toString(later.seconds()));
    error(ctx, e.code(), e.getMessage());
  }

  /**
   * As {@link #error(Context, LaneException)}, written at once, for a request whose result Javalin
   * does not write (a WebSocket upgrade), and skipping the handlers after it (the upgrade itself).
   */
  public static void refuse(Context ctx, LaneException e) throws IOException {
    byte[] body = Json.write(Json.error(e.code(), e.getMessage())).getBytes(StandardCharsets.UTF_8);
    HttpServletResponse res = ctx.res();
    res.setStatus(ErrorStatus.of(e.code()));
    if (e instanceof RetryLater later) res.setHeader("Retry-After", Long.toString(later.seconds()));
    res.setContentType("application/json");
    res.setContentLength(body.length);
    res.getOutputStream().write(body);
    res.flushBuffer();
    ctx.skipRemainingHandlers();
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
