package dev.tasklane.app.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * A client of a running server's {@code /v1} API over java.net.http. Close it when done: a command
 * that exits with the client's selector thread still waiting in the kernel makes the JVM wait
 * 300 ms for that thread before it exits.
 */
public final class ApiClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final String token;

  public ApiClient(String baseUrl, String token) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token;
  }

  public JsonNode get(String path) throws IOException, InterruptedException {
    return send(request(path).GET().build());
  }

  public JsonNode post(String path, JsonNode body, String idempotencyKey) throws IOException, InterruptedException {
    HttpRequest.Builder b = request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : JSON.writeValueAsString(body)));
    if (idempotencyKey != null) b.header("Idempotency-Key", idempotencyKey);
    return send(b.build());
  }

  /** Uploads a file's bytes to a session ({@code POST /v1/attachments}); returns the attachment. */
  public JsonNode upload(String sessionKey, java.nio.file.Path file) throws IOException, InterruptedException {
    String type = java.nio.file.Files.probeContentType(file);
    HttpRequest req = request("/v1/attachments?sessionKey=" + encode(sessionKey) + "&name="
        + encode(file.getFileName().toString()))
        .header("Content-Type", type == null ? "application/octet-stream" : type)
        .POST(HttpRequest.BodyPublishers.ofFile(file)).build();
    return send(req);
  }

  public static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /**
   * Reads a task's Server-Sent Events after {@code lastSeq}, handing each event's data to
   * {@code onEvent} until it returns false or the stream ends. Returns the last seq seen.
   */
  public long events(String taskId, long lastSeq, Predicate<JsonNode> onEvent) throws IOException, InterruptedException {
    HttpRequest req = request("/v1/tasks/" + encode(taskId) + "/events").timeout(Duration.ofDays(1))
        .header("Accept", "text/event-stream").header("Last-Event-ID", Long.toString(lastSeq)).GET().build();
    HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      try (InputStream in = r.body()) {
        throw error(r.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    long seq = lastSeq;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      String event = null;
      StringBuilder data = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("event:")) event = line.substring(6).strip();
        else if (line.startsWith("data:")) data.append(line.substring(5).strip());
        else if (line.isEmpty() && event != null) {
          if (event.equals("end")) return seq;
          JsonNode e = JSON.readTree(data.toString());
          seq = e.path("seq").asLong(seq);
          if (!onEvent.test(e)) return seq;
          event = null;
          data.setLength(0);
        }
      }
    }
    return seq;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token);
  }

  private JsonNode send(HttpRequest req) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) throw error(r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private static ApiException error(int status, String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return new ApiException(status, n.path("code").asText("http_" + status), n.path("message").asText(body));
    } catch (IOException e) {
      return new ApiException(status, "http_" + status, body);
    }
  }

  @Override
  public void close() {
    http.shutdownNow();
  }
}
