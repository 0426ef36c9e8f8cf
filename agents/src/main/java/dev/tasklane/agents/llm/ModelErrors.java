package dev.tasklane.agents.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.langchain4j.exception.HttpException;
import dev.tasklane.core.TaskFailure;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** Turns what went wrong in a model call into a failure with a code, retryable where a retry may help. */
final class ModelErrors {
  static final String UNREACHABLE = "model_unreachable";
  static final String TIMEOUT = "model_timeout";
  static final String RATE_LIMITED = "model_rate_limited";
  static final String SERVER_ERROR = "model_server_error";
  static final String AUTH = "model_auth";
  static final String NOT_FOUND = "model_not_found";
  static final String REJECTED = "model_rejected";
  static final String BAD_RESPONSE = "model_bad_response";

  private ModelErrors() {}

  static TaskFailure timeout(String baseUrl, Duration limit) {
    return TaskFailure.retryable(TIMEOUT, "the model at " + baseUrl + " did not answer within " + limit.toSeconds()
        + " s");
  }

  static TaskFailure toFailure(Throwable error, String baseUrl) {
    ModelHttpException withRetry = find(error, ModelHttpException.class);
    HttpException http = withRetry != null ? withRetry : find(error, HttpException.class);
    if (http != null) return fromStatus(http.statusCode(), body(http), withRetry == null ? null : withRetry.retryAfter());
    if (find(error, HttpTimeoutException.class) != null) {
      return TaskFailure.retryable(TIMEOUT, "the model at " + baseUrl + " timed out: " + root(error).getMessage());
    }
    if (find(error, JsonProcessingException.class) != null) { // a Jackson error is an IOException too
      return badResponse(error, baseUrl);
    }
    if (find(error, ConnectException.class) != null) {
      return TaskFailure.retryable(UNREACHABLE, "cannot reach the model at " + baseUrl + ": connection refused");
    }
    if (find(error, IOException.class) != null) {
      return TaskFailure.retryable(UNREACHABLE, "cannot reach the model at " + baseUrl + ": "
          + firstMessage(error));
    }
    return badResponse(error, baseUrl);
  }

  private static TaskFailure badResponse(Throwable error, String baseUrl) {
    return new TaskFailure(BAD_RESPONSE, "the model's server at " + baseUrl + " sent a response that could not be "
        + "read: " + message(root(error)), false, null, error);
  }

  private static TaskFailure fromStatus(int status, String body, Duration retryAfter) {
    String message = "the model's server answered HTTP " + status + (body.isBlank() ? "" : ": " + body);
    if (status == 429) return TaskFailure.retryAfter(RATE_LIMITED, message, retryAfter);
    if (status >= 500 || status == 408) return TaskFailure.retryAfter(SERVER_ERROR, message, retryAfter);
    if (status == 401 || status == 403) return TaskFailure.permanent(AUTH, message + " (check the API key)");
    if (status == 404) return TaskFailure.permanent(NOT_FOUND, message + " (check baseUrl and model)");
    return TaskFailure.permanent(REJECTED, message);
  }

  private static String body(HttpException e) {
    String m = e.getMessage() == null ? "" : e.getMessage().strip();
    return m.length() > 500 ? m.substring(0, 500) + "..." : m;
  }

  private static String firstMessage(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) return c.getMessage();
    }
    return root(t).getClass().getSimpleName();
  }

  private static String message(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) return type.cast(c);
    }
    return null;
  }

  private static Throwable root(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) c = c.getCause();
    return c;
  }
}
