package dev.tasklane.gateway;

import static dev.tasklane.gateway.TestGateway.ADMIN;
import static dev.tasklane.gateway.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.gateway.api.Json;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /v1/tasks/{id}/events: Server-Sent Events, resumable with Last-Event-ID. */
class SseTest {
  @TempDir Path dir;
  TestGateway gw;

  @BeforeEach
  void start() {
    gw = TestGateway.start(dir, GatewayConfig.defaults());
  }

  @AfterEach
  void stop() {
    gw.close();
  }

  /** One SSE message: its id, event name and data. */
  record Sse(String id, String event, String data) {}

  List<Sse> read(String taskId, String lastEventId) throws Exception {
    HttpRequest.Builder b = gw.request("/v1/tasks/" + taskId + "/events", ADMIN).header("Accept", "text/event-stream");
    if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
    HttpResponse<InputStream> r = gw.http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    List<Sse> out = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      String id = null, event = null, data = null, line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (event != null) out.add(new Sse(id, event, data));
          if ("end".equals(event)) break;
          id = event = data = null;
        } else if (line.startsWith("id:")) id = line.substring(3).strip();
        else if (line.startsWith("event:")) event = line.substring(6).strip();
        else if (line.startsWith("data:")) data = line.substring(5).strip();
      }
    }
    return out;
  }

  @Test
  void streamsEveryEventOfATaskWithItsSeqAsIdThenEnds() throws Exception {
    String id = json(gw.post("/v1/tasks", ADMIN, "{\"sessionKey\":\"web:e\",\"kind\":\"sleep\",\"input\":{\"millis\":300}}"))
        .get("id").asText();
    List<Sse> all = read(id, null);
    assertThat(all.getLast().event()).isEqualTo("end");
    List<Sse> events = all.subList(0, all.size() - 1);
    for (int i = 0; i < events.size(); i++) {
      JsonNode e = Json.parse(events.get(i).data());
      assertThat(events.get(i).event()).isEqualTo("task");
      assertThat(events.get(i).id()).isEqualTo(String.valueOf(i + 1));
      assertThat(e.get("seq").asLong()).isEqualTo(i + 1);
    }
    assertThat(Json.parse(events.getFirst().data()).get("type").asText()).isEqualTo("created");
    assertThat(Json.parse(events.getLast().data()).get("type").asText()).isEqualTo("completed");

    // Resuming with Last-Event-ID gives exactly the events after it.
    List<Sse> resumed = read(id, "2");
    assertThat(resumed.getFirst().id()).isEqualTo("3");
    assertThat(resumed.subList(0, resumed.size() - 1)).containsExactlyElementsOf(events.subList(2, events.size()));

    // Resuming after the last event of a finished task ends at once.
    assertThat(read(id, events.getLast().id())).extracting(Sse::event).containsExactly("end");
  }

  @Test
  void browsersMayPassTheTokenAndCursorInTheQueryString() throws Exception {
    String id = json(gw.post("/v1/tasks", ADMIN, "{\"sessionKey\":\"web:e\",\"kind\":\"echo\"}")).get("id").asText();
    HttpResponse<String> r = gw.http.send(gw.request("/v1/tasks/" + id + "/events?token=" + ADMIN + "&lastEventId=1", null)
        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).doesNotContain("id: 1\n").contains("id: 2\n", "event: end");
  }

  @Test
  void badLastEventIdAndUnknownTaskAreStructuredErrors() throws Exception {
    String id = json(gw.post("/v1/tasks", ADMIN, "{\"sessionKey\":\"web:e\",\"kind\":\"echo\"}")).get("id").asText();
    HttpResponse<String> bad = gw.http.send(gw.request("/v1/tasks/" + id + "/events", ADMIN)
        .header("Accept", "text/event-stream").header("Last-Event-ID", "abc").build(), HttpResponse.BodyHandlers.ofString());
    HttpApiTest.assertError(bad, 400, "bad_request");
    HttpApiTest.assertError(gw.get("/v1/tasks/" + id + "/events", ADMIN), 400, "bad_request"); // no Accept header
    HttpApiTest.assertError(gw.get("/v1/tasks/7ZZZ/events", ADMIN), 404, "not_found");
  }
}
