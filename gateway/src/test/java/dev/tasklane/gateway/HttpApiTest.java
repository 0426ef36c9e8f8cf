package dev.tasklane.gateway;

import static dev.tasklane.gateway.TestGateway.ADMIN;
import static dev.tasklane.gateway.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /v1/tasks over real HTTP: create with idempotency, status, list, cancel, and every error code. */
class HttpApiTest {
  @TempDir Path dir;
  TestGateway gw;

  @BeforeEach
  void start() {
    gw = TestGateway.start(dir, GatewayConfig.defaults().withMaxRequestBytes(2048).withRateLimit(0, 1));
  }

  @AfterEach
  void stop() {
    gw.close();
  }

  HttpResponse<String> create(String body, String idempotencyKey) throws Exception {
    HttpRequest.Builder b = gw.request("/v1/tasks", ADMIN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (idempotencyKey != null) b.header("Idempotency-Key", idempotencyKey);
    return gw.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void createReturns201WithTheTaskAndPositionAndTheSameKeyReturnsTheSameTask() throws Exception {
    HttpResponse<String> first = create("{\"sessionKey\":\"web:h\",\"kind\":\"echo\",\"input\":{\"a\":1}}", "key-1");
    assertThat(first.statusCode()).isEqualTo(201);
    JsonNode t = json(first);
    for (String f : List.of("id", "sessionKey", "kind", "state", "priority", "attempt", "maxAttempts", "progress",
        "result", "error", "createdAt", "startedAt", "finishedAt", "position")) {
      assertThat(t.has(f)).as(f).isTrue();
    }
    assertThat(t.get("state").asText()).isIn("queued", "running", "completed"); // an idle worker may have it already

    HttpResponse<String> again = create("{\"sessionKey\":\"web:h\",\"kind\":\"echo\",\"input\":{\"a\":1}}", "key-1");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).get("id").asText()).isEqualTo(t.get("id").asText());

    HttpResponse<String> conflict = create("{\"sessionKey\":\"web:h\",\"kind\":\"echo\",\"input\":{\"a\":2}}", "key-1");
    assertError(conflict, 409, "conflict");
  }

  @Test
  void aCreateNeverSaysQueuedWithoutAPlaceInTheQueue() throws Exception {
    // Idle workers claim a quick task within a millisecond or two, often before its place is counted:
    // the answer then says what the task is doing now instead of "queued, position -1".
    for (int i = 0; i < 40; i++) {
      JsonNode t = json(create("{\"sessionKey\":\"web:q" + i + "\",\"kind\":\"echo\",\"input\":{}}", null));
      String state = t.get("state").asText();
      long position = t.get("position").asLong();
      assertThat(state.equals("queued")).as("%s", t).isEqualTo(position >= 0);
    }
  }

  @Test
  void statusListAndCancel() throws Exception {
    String id = json(create("{\"sessionKey\":\"web:h\",\"kind\":\"sleep\",\"input\":{\"millis\":20000}}", null))
        .get("id").asText();
    for (int i = 0; i < 3; i++) create("{\"sessionKey\":\"web:h\",\"kind\":\"echo\"}", null);

    JsonNode status = json(gw.get("/v1/tasks/" + id, ADMIN));
    assertThat(status.get("id").asText()).isEqualTo(id);

    List<String> ids = new ArrayList<>();
    String cursor = "";
    do {
      JsonNode page = json(gw.get("/v1/tasks?sessionKey=web:h&limit=3" + cursor, ADMIN));
      page.get("items").forEach(n -> ids.add(n.get("id").asText()));
      cursor = page.get("nextCursor").isNull() ? null : "&cursor=" + page.get("nextCursor").asText();
    } while (cursor != null);
    assertThat(ids).hasSize(4).contains(id);

    HttpResponse<String> canceled = gw.post("/v1/tasks/" + id + "/cancel", ADMIN, "");
    assertThat(canceled.statusCode()).isEqualTo(200);
    assertThat(json(canceled).get("id").asText()).isEqualTo(id);
    long deadline = System.currentTimeMillis() + 10_000;
    while (!json(gw.get("/v1/tasks/" + id, ADMIN)).get("state").asText().equals("canceled")) {
      assertThat(System.currentTimeMillis()).isLessThan(deadline);
      Thread.sleep(30);
    }
    JsonNode canceledOnly = json(gw.get("/v1/tasks?sessionKey=web:h&state=canceled", ADMIN));
    assertThat(canceledOnly.get("items")).hasSize(1);
  }

  @Test
  void everyErrorIsStructuredWithItsStatus() throws Exception {
    assertError(gw.get("/v1/tasks", null), 401, "unauthorized");
    assertError(gw.get("/v1/tasks", "nope"), 401, "unauthorized");
    assertError(gw.get("/v1/tasks/7ZZZ", ADMIN), 404, "not_found");
    assertError(gw.get("/v1/tasks/%21%21", ADMIN), 400, "bad_request");
    assertError(gw.get("/v1/tasks?limit=ten", ADMIN), 400, "bad_request");
    assertError(gw.get("/v1/tasks?limit=100000", ADMIN), 400, "bad_request");
    assertError(create("{oops", null), 400, "bad_request");
    assertError(create("{\"sessionKey\":\"web:h\"}", null), 400, "bad_request");
    assertError(create("{\"sessionKey\":\"web:h\",\"kind\":\"echo\",\"pad\":\"" + "x".repeat(2048) + "\"}", null),
        413, "too_large");
    assertError(gw.post("/v1/tasks", TestGateway.ALICE, "{\"sessionKey\":\"web:bob\",\"kind\":\"echo\"}"), 403,
        "forbidden");
    assertError(gw.get("/v1/nothing-here", ADMIN), 404, "not_found");
  }

  @Test
  void aTokenOverItsRateIsRateLimited() throws Exception {
    gw.close();
    gw = TestGateway.start(dir, GatewayConfig.defaults().withRateLimit(0.5, 3));
    for (int i = 0; i < 3; i++) assertThat(gw.get("/v1/tasks", ADMIN).statusCode()).isEqualTo(200);
    assertError(gw.get("/v1/tasks", ADMIN), 429, "rate_limited");
    // Another token has its own budget.
    assertThat(gw.get("/v1/tasks", TestGateway.ALICE).statusCode()).isEqualTo(200);
  }

  static void assertError(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode body = json(r);
    assertThat(body.get("code").asText()).as(r.body()).isEqualTo(code);
    assertThat(body.get("message").asText()).isNotBlank();
  }
}
