package dev.tasklane.agents.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.tasklane.core.TaskContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Fetches a web page (http or https) within a size and a time limit and returns its text. */
final class FetchTool implements AgentTool {
  static final String NAME = "fetch_url";

  private final int maxBytes;
  private final Duration timeout;
  private final HttpClient http;

  FetchTool(int maxBytes, Duration timeout) {
    this.maxBytes = maxBytes;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  @Override
  public ToolSpecification spec() {
    return ToolSpecification.builder().name(NAME)
        .description("Fetches an http or https URL and returns the status, content type and the start of the body "
            + "(at most " + maxBytes + " bytes).")
        .parameters(JsonObjectSchema.builder().addStringProperty("url", "the URL to fetch").required("url").build())
        .build();
  }

  @Override
  public String describe(JsonNode args) {
    return "fetching " + args.path("url").asText("(no url)");
  }

  @Override
  public String run(JsonNode args, TaskContext ctx) throws ToolException, InterruptedException {
    URI uri = uri(args.path("url"));
    ctx.output("fetching " + uri);
    try {
      return Bounded.call("fetch", timeout, () -> fetch(uri));
    } catch (TimeoutException e) {
      throw new ToolException("fetching " + uri + " took longer than " + timeout.toSeconds() + " s; stopped");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw new ToolException("fetching " + uri + " failed: " + (c.getMessage() == null ? c.getClass().getSimpleName()
          : c.getMessage()));
    }
  }

  private String fetch(URI uri) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "tasklane").GET().build();
    HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    byte[] body;
    boolean more;
    try (InputStream in = r.body()) {
      body = in.readNBytes(maxBytes);
      more = in.read() >= 0;
    }
    String type = r.headers().firstValue("content-type").orElse("unknown");
    String head = "HTTP " + r.statusCode() + ", " + type + ", " + (more ? "more than " : "") + body.length + " bytes"
        + (more ? " (cut at the limit)" : "");
    boolean text = type.startsWith("text/") || type.contains("json") || type.contains("xml") || type.equals("unknown");
    return head + "\n" + (text ? new String(body, StandardCharsets.UTF_8) : "(binary content not shown)");
  }

  private static URI uri(JsonNode url) throws ToolException {
    if (!url.isTextual() || url.asText().isBlank()) throw new ToolException("\"url\" must be a string");
    try {
      URI u = new URI(url.asText().strip());
      if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
        throw new ToolException("only http and https URLs can be fetched, not " + url.asText());
      }
      return u;
    } catch (java.net.URISyntaxException e) {
      throw new ToolException("\"" + url.asText() + "\" is not a valid URL: " + e.getMessage());
    }
  }
}
