package dev.tasklane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any body of {@code POST /v1/tasks}, and any query of {@code GET /v1/tasks}, against a real server:
 * a task, or a JSON error a client caused (4xx), never a 5xx. Seeds: {@code HttpBodyFuzzTestInputs/};
 * docs/TESTING.md says how to fuzz for longer.
 */
class HttpBodyFuzzTest {
  @TempDir static Path dir;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(dir, GatewayConfig.defaults().withRateLimit(0, 1));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @FuzzTest(maxDuration = "5m")
  void createBody(byte[] body) throws IOException, InterruptedException {
    HttpResponse<String> r = gw.http.send(gw.request("/v1/tasks", TestGateway.ADMIN)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertAnswered(r);
    if (r.statusCode() < 300) assertThat(TestGateway.json(r).get("taskId").asText()).isNotBlank();
  }

  @FuzzTest(maxDuration = "5m")
  void listQuery(byte[] query) throws IOException, InterruptedException {
    assertAnswered(gw.get("/v1/tasks?" + encode(new String(query, StandardCharsets.UTF_8)), TestGateway.ADMIN));
  }

  /** 2xx with JSON, or 4xx with a JSON error; never a server error. */
  static void assertAnswered(HttpResponse<String> r) {
    assertThat(r.statusCode()).as("status of %s", r.body()).isBetween(200, 499);
    JsonNode json = TestGateway.json(r);
    if (r.statusCode() >= 400) {
      assertThat(json.get("code").asText()).isIn(WsRequestFuzzTest.CLIENT_ERRORS);
      assertThat(json.get("message").asText()).isNotBlank();
    }
  }

  /** {@code a=1&b=2} with every name and value percent-encoded, so that any text is a valid query. */
  private static String encode(String query) {
    List<String> pairs = new ArrayList<>();
    for (String pair : query.split("&", -1)) {
      int eq = pair.indexOf('=');
      pairs.add(eq < 0 ? enc(pair) : enc(pair.substring(0, eq)) + "=" + enc(pair.substring(eq + 1)));
    }
    return String.join("&", pairs);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
