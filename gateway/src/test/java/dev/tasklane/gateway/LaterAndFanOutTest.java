package dev.tasklane.gateway;

import static dev.tasklane.gateway.HttpApiTest.assertError;
import static dev.tasklane.gateway.TestGateway.ADMIN;
import static dev.tasklane.gateway.TestGateway.ALICE;
import static dev.tasklane.gateway.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.gateway.api.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Later and expiring tasks, dependencies and fan-out over the WebSocket and HTTP. */
class LaterAndFanOutTest {
  @TempDir Path dir;
  TestGateway gw;
  WsClient ws;

  @BeforeEach
  void start() {
    gw = TestGateway.start(dir, GatewayConfig.defaults().withRateLimit(0, 1));
    ws = gw.ws(ADMIN);
  }

  @AfterEach
  void stop() {
    ws.close();
    gw.close();
  }

  static ObjectNode task(String session, String kind) {
    return Json.object().put("sessionKey", session).put("kind", kind);
  }

  @Test
  void aDelayedTaskWaitsForItsTimeAndThenRuns() {
    JsonNode later = ws.result("task.create", task("web:a", "echo").put("delaySeconds", 3600));
    Instant created = Instant.parse(later.get("createdAt").asText());
    // The delay counts from the request's arrival, read a moment (often the same millisecond) before
    // the task's createdAt.
    assertThat(Duration.between(created, Instant.parse(later.get("notBefore").asText())))
        .isBetween(Duration.ofSeconds(3599), Duration.ofSeconds(3600));

    JsonNode soon = ws.result("task.create", task("web:a", "echo").put("delaySeconds", 1));
    JsonNode now = ws.result("task.create", task("web:b", "echo"));
    ws.awaitTerminal(now.get("taskId").asText());
    JsonNode ran = ws.awaitTerminal(soon.get("taskId").asText());
    assertThat(ran.get("state").asText()).isEqualTo("completed");
    Instant notBefore = Instant.parse(ran.get("notBefore").asText());
    assertThat(Duration.between(Instant.parse(ran.get("createdAt").asText()), notBefore))
        .isBetween(Duration.ofMillis(900), Duration.ofSeconds(1));
    assertThat(Instant.parse(ran.get("startedAt").asText())).isAfterOrEqualTo(notBefore);
    assertThat(status(later).get("state").asText()).isEqualTo("queued");
  }

  @Test
  void aStartTimeInThePastMeansNowAndAnAbsoluteTimeKeepsItsZone() {
    JsonNode past = ws.result("task.create", task("web:a", "echo").put("notBefore", "2001-01-01T00:00:00Z"));
    assertThat(ws.awaitTerminal(past.get("taskId").asText()).get("state").asText()).isEqualTo("completed");

    Instant at = Instant.now().plus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    String berlin = at.atOffset(java.time.ZoneOffset.ofHours(1)).toString();
    JsonNode later = ws.result("task.create", task("web:a", "echo").put("notBefore", berlin)
        .put("ttlSeconds", 60));
    assertThat(Instant.parse(later.get("notBefore").asText())).isEqualTo(at);
    assertThat(Instant.parse(later.get("expiresAt").asText())).isEqualTo(at.plusSeconds(60));
  }

  @Test
  void aTaskThatCouldNotStartWithinItsTtlExpires() {
    ws.result("task.create", task("web:a", "sleep").set("input", Json.object().put("millis", 3000)));
    JsonNode behind = ws.result("task.create", task("web:a", "echo").put("ttlSeconds", 1));
    JsonNode ended = ws.awaitTerminal(behind.get("taskId").asText());
    assertThat(ended.get("state").asText()).isEqualTo("expired");
    assertThat(ended.get("startedAt").isNull()).isTrue();
  }

  @Test
  void badTimesAreRefusedAtTheEdgeAndChangeNothing() throws Exception {
    String future = Instant.now().plus(Duration.ofHours(1)).toString();
    String past = Instant.now().minus(Duration.ofHours(1)).toString();
    List<ObjectNode> bad = List.of(
        task("web:a", "echo").put("delaySeconds", -1),
        task("web:a", "echo").put("delaySeconds", 366L * 86400 + 1),
        task("web:a", "echo").put("delaySeconds", Long.MAX_VALUE),
        task("web:a", "echo").put("delaySeconds", "soon"),
        task("web:a", "echo").put("delaySeconds", 10).put("notBefore", future),
        task("web:a", "echo").put("notBefore", "tomorrow"),
        task("web:a", "echo").put("notBefore", "2026-01-05T10:00:00"),
        task("web:a", "echo").put("notBefore", Instant.now().plus(Duration.ofDays(400)).toString()),
        task("web:a", "echo").put("ttlSeconds", 0),
        task("web:a", "echo").put("ttlSeconds", 10).put("expiresAt", future),
        task("web:a", "echo").put("expiresAt", past),
        task("web:a", "echo").put("delaySeconds", 7200).put("expiresAt", future));
    for (ObjectNode params : bad) {
      assertThat(ws.errorCode("task.create", params)).as(params.toString()).isEqualTo("bad_request");
    }
    assertError(gw.post("/v1/tasks", ADMIN, Json.write(bad.getFirst())), 400, "bad_request");
    assertThat(json(gw.get("/v1/tasks?sessionKey=web:a", ADMIN)).get("items")).isEmpty();
  }

  @Test
  void aTaskDependingOnOthersRunsAfterThemWithTheirResults() throws Exception {
    JsonNode a = ws.result("task.create", task("web:a", "echo").set("input", Json.object().put("n", 1)));
    ObjectNode params = task("web:a", "echo");
    params.putArray("dependsOn").add(a.get("taskId").asText());
    HttpResponse<String> r = gw.post("/v1/tasks", ADMIN, Json.write(params));
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(json(r).get("dependsOn").get(0).asText()).isEqualTo(a.get("taskId").asText());
    JsonNode done = ws.awaitTerminal(json(r).get("taskId").asText());
    assertThat(done.at("/result/dependencies/0/result/n").asInt()).isEqualTo(1);
  }

  @Test
  void aTaskSaysHowManyOfItsDependenciesHaveNotCompletedYet() throws Exception {
    String done = ws.result("task.create", task("web:a", "echo")).get("taskId").asText();
    ws.awaitTerminal(done);
    JsonNode later = ws.result("task.create", task("web:a", "echo").put("delaySeconds", 3600));
    assertThat(later.has("waitingOn")).isFalse(); // no dependencies, nothing to wait for
    ObjectNode params = task("web:a", "echo");
    params.putArray("dependsOn").add(done).add(later.get("taskId").asText());
    JsonNode waiting = ws.result("task.create", params);
    assertThat(waiting.get("waitingOn").asInt()).isEqualTo(1);
    JsonNode status = json(gw.get("/v1/tasks/" + waiting.get("taskId").asText(), ADMIN));
    assertThat(status.get("state").asText()).isEqualTo("queued");
    assertThat(status.get("waitingOn").asInt()).isEqualTo(1);
  }

  @Test
  void aScopedTokenMayDependOnlyOnTasksItCanSee() throws Exception {
    String bobs = ws.result("task.create", task("web:bob", "echo")).get("taskId").asText();
    String alices = ws.result("task.create", task("web:alice", "echo")).get("taskId").asText();
    try (WsClient alice = gw.ws(ALICE)) {
      ObjectNode other = task("web:alice", "echo");
      other.putArray("dependsOn").add(bobs);
      assertThat(alice.errorCode("task.create", other)).isEqualTo("not_found");
      ObjectNode unknown = task("web:alice", "echo");
      unknown.putArray("dependsOn").add("7ZZZZ");
      assertThat(alice.errorCode("task.create", unknown)).isEqualTo("not_found");
      ObjectNode own = task("web:alice", "echo");
      own.putArray("dependsOn").add(alices);
      assertThat(alice.result("task.create", own).get("dependsOn")).hasSize(1);
    }
    ObjectNode fan = fanOut(task("web:alice", "echo"), task("web:alice", "echo"));
    ((ObjectNode) fan.get("parent")).putArray("dependsOn").add(bobs);
    assertError(post("/v1/tasks/fan-out", ALICE, fan, null), 404, "not_found");
  }

  @Test
  void aFanOutRunsItsParentWithEveryChildsResult() {
    ObjectNode params = fanOut(task("web:a", "echo"), task("web:a", "echo"), task("web:a", "echo"),
        task("web:a", "sleep"));
    ((ObjectNode) params.get("children").get(2)).set("input", Json.object().put("millis", 300));
    JsonNode f = ws.result("task.fanOut", params);
    assertThat(f.get("children")).hasSize(3);
    List<String> childIds = new ArrayList<>();
    f.get("children").forEach(c -> childIds.add(c.get("taskId").asText()));
    JsonNode parent = ws.awaitTerminal(f.at("/parent/taskId").asText());
    assertThat(parent.get("state").asText()).isEqualTo("completed");
    List<String> seen = new ArrayList<>();
    parent.at("/result/dependencies").forEach(d -> seen.add(d.get("id").asText()));
    assertThat(seen).containsExactlyElementsOf(childIds);
    assertThat(parent.at("/result/dependencies/2/result/text").asText()).isEqualTo("slept 300 ms");
    for (String id : childIds) {
      assertThat(Instant.parse(status(id).get("finishedAt").asText()))
          .isBeforeOrEqualTo(Instant.parse(parent.get("startedAt").asText()));
    }
  }

  @Test
  void aFanOutWithAKeyIsIdempotentOverHttp() throws Exception {
    ObjectNode params = fanOut(task("web:a", "echo"), task("web:a", "echo"), task("web:a", "echo"));
    HttpResponse<String> first = post("/v1/tasks/fan-out", ADMIN, params, "batch-1");
    HttpResponse<String> again = post("/v1/tasks/fan-out", ADMIN, params, "batch-1");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).at("/parent/id")).isEqualTo(json(first).at("/parent/id"));
    assertThat(json(again).at("/children/1/id")).isEqualTo(json(first).at("/children/1/id"));
    assertThat(json(gw.get("/v1/tasks?sessionKey=web:a", ADMIN)).get("items")).hasSize(3);
  }

  @Test
  void aRefusedFanOutStoresNoTask() throws Exception {
    ObjectNode params = fanOut(task("web:a", "nosuchkind"), task("web:a", "echo").put("delaySeconds", 60),
        task("web:a", "echo").put("delaySeconds", 60));
    assertThat(ws.errorCode("task.fanOut", params)).isEqualTo("bad_request");
    JsonNode left = json(gw.get("/v1/tasks?sessionKey=web:a", ADMIN));
    assertThat(left.get("items")).isEmpty();

    assertThat(ws.errorCode("task.fanOut", fanOut(task("web:a", "echo")))).isEqualTo("bad_request");
    ObjectNode tooMany = fanOut(task("web:a", "echo"));
    for (int i = 0; i <= 100; i++) tooMany.withArray("children").add(task("web:a", "echo"));
    assertThat(ws.errorCode("task.fanOut", tooMany)).isEqualTo("bad_request");
    assertThat(json(gw.get("/v1/tasks?sessionKey=web:a&state=queued,running", ADMIN)).get("items")).isEmpty();
  }

  private static ObjectNode fanOut(ObjectNode parent, ObjectNode... children) {
    ObjectNode n = Json.object();
    n.set("parent", parent);
    var list = n.putArray("children");
    for (ObjectNode c : children) list.add(c);
    return n;
  }

  private HttpResponse<String> post(String path, String token, JsonNode body, String key) throws Exception {
    HttpRequest.Builder b = gw.request(path, token).POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
    if (key != null) b.header("Idempotency-Key", key);
    return gw.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode status(JsonNode created) {
    return status(created.get("taskId").asText());
  }

  private JsonNode status(String id) {
    return ws.result("task.status", Json.object().put("taskId", id));
  }
}
