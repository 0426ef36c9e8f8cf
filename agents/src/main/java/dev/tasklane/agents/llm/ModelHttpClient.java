package dev.tasklane.agents.llm;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * The HTTP client LangChain4j's OpenAI model talks through: the JDK's client, run on the calling
 * thread (so an interrupt stops a call), with error statuses turned into {@link ModelHttpException}
 * carrying the server's {@code Retry-After}, which LangChain4j's own client drops.
 */
final class ModelHttpClient implements HttpClient {
  private static final int MAX_ERROR_BODY = 4096;

  private final java.net.http.HttpClient jdk;
  private final Duration readTimeout;
  private final Clock clock;

  ModelHttpClient(Duration connectTimeout, Duration readTimeout, Clock clock) {
    this.jdk = java.net.http.HttpClient.newBuilder().connectTimeout(connectTimeout)
        .followRedirects(java.net.http.HttpClient.Redirect.NORMAL).build();
    this.readTimeout = readTimeout;
    this.clock = clock;
  }

  @Override
  public SuccessfulHttpResponse execute(HttpRequest request) {
    HttpResponse<InputStream> r = send(request);
    try (InputStream in = r.body()) {
      byte[] body = in.readAllBytes();
      return SuccessfulHttpResponse.builder().statusCode(r.statusCode()).headers(r.headers().map()).body(body).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
    try {
      HttpResponse<InputStream> r = send(request);
      try (InputStream in = r.body()) {
        listener.onOpen(SuccessfulHttpResponse.builder().statusCode(r.statusCode()).headers(r.headers().map())
            .build());
        parser.parse(in, listener);
      }
      listener.onClose();
    } catch (IOException e) {
      listener.onError(new UncheckedIOException(e));
    } catch (RuntimeException e) {
      listener.onError(e);
    }
  }

  private HttpResponse<InputStream> send(HttpRequest request) {
    java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(request.url()))
        .timeout(readTimeout);
    request.headers().forEach((name, values) -> {
      if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) values.forEach(v -> b.header(name, v));
    });
    String body = request.body();
    b.method(request.method().name(), body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
        : java.net.http.HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    HttpResponse<InputStream> r;
    try {
      r = jdk.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelCallInterrupted();
    }
    if (r.statusCode() >= 200 && r.statusCode() < 300) return r;
    throw new ModelHttpException(r.statusCode(), errorBody(r), retryAfter(r.headers().map(), clock));
  }

  private static String errorBody(HttpResponse<InputStream> r) {
    try (InputStream in = r.body()) {
      return new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Retry-After as seconds or as an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(Map<String, List<String>> headers, Clock clock) {
    String v = headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("retry-after"))
        .flatMap(e -> e.getValue().stream()).findFirst().map(String::strip).orElse(null);
    if (v == null || v.isEmpty()) return null;
    try {
      return Duration.ofMillis(Math.max(0, Math.round(Double.parseDouble(v) * 1000)));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(clock.instant(), at.toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  /** Headers the JDK client sets itself and refuses from callers. */
  private static final java.util.Set<String> RESTRICTED = java.util.Set.of("content-length", "host", "connection",
      "expect", "upgrade");

  /** Thrown when the calling thread was interrupted during a call; the interrupt flag stays set. */
  static final class ModelCallInterrupted extends RuntimeException {
    ModelCallInterrupted() {
      super("the model call was interrupted");
    }
  }

  /** Builds the client for LangChain4j's model builders. */
  static final class Builder implements HttpClientBuilder {
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(60);
    private final Clock clock;

    Builder(Clock clock) {
      this.clock = clock;
    }

    @Override
    public Duration connectTimeout() {
      return connectTimeout;
    }

    @Override
    public HttpClientBuilder connectTimeout(Duration d) {
      if (d != null) connectTimeout = d;
      return this;
    }

    @Override
    public Duration readTimeout() {
      return readTimeout;
    }

    @Override
    public HttpClientBuilder readTimeout(Duration d) {
      if (d != null) readTimeout = d;
      return this;
    }

    @Override
    public HttpClient build() {
      return new ModelHttpClient(connectTimeout, readTimeout, clock);
    }
  }
}
