package dev.tasklane.agents.llm;

import dev.langchain4j.exception.HttpException;
import java.time.Duration;

/** An error status from the model's server, with the delay its {@code Retry-After} header asked for. */
public class ModelHttpException extends HttpException {
  private final Duration retryAfter;

  public ModelHttpException(int statusCode, String body, Duration retryAfter) {
    super(statusCode, body);
    this.retryAfter = retryAfter;
  }

  /** The server's requested delay, or null when it named none. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
