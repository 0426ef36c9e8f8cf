package dev.tasklane.gateway;

import static dev.tasklane.gateway.TestGateway.ALICE;
import static dev.tasklane.gateway.TestGateway.BOB;
import static dev.tasklane.gateway.WsProtocolTest.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens scoped to session prefixes: a task outside the scope is not_found (as if it did not
 * exist); naming a session outside the scope is forbidden.
 */
class ScopeTest {
  @TempDir Path dir;
  TestGateway gw;
  WsClient alice;
  WsClient bob;
  String bobsTask;

  @BeforeEach
  void start() {
    gw = TestGateway.start(dir, GatewayConfig.defaults());
    alice = gw.ws(ALICE);
    bob = gw.ws(BOB);
    JsonNode t = bob.result("task.create", WsProtocolTest.sleepTask("web:bob", 20_000));
    bobsTask = t.get("taskId").asText();
    alice.result("task.create", params().put("sessionKey", "web:alice").put("kind", "echo"));
  }

  @AfterEach
  void stop() {
    alice.close();
    bob.close();
    gw.close();
  }

  @Test
  void anotherSessionsTaskIsNotFoundForStatusCancelAndSubscribe() throws Exception {
    assertThat(alice.errorCode("task.status", params().put("taskId", bobsTask))).isEqualTo("not_found");
    assertThat(alice.errorCode("task.cancel", params().put("taskId", bobsTask))).isEqualTo("not_found");
    assertThat(alice.errorCode("task.subscribe", params().put("taskId", bobsTask))).isEqualTo("not_found");
    HttpApiTest.assertError(gw.get("/v1/tasks/" + bobsTask, ALICE), 404, "not_found");
    HttpApiTest.assertError(gw.post("/v1/tasks/" + bobsTask + "/cancel", ALICE, ""), 404, "not_found");
    HttpApiTest.assertError(gw.get("/v1/tasks/" + bobsTask + "/events", ALICE), 404, "not_found");

    // The cancel attempts changed nothing: bob's task still runs or waits.
    assertThat(bob.result("task.status", params().put("taskId", bobsTask)).get("state").asText())
        .isIn("queued", "running");
  }

  @Test
  void namingASessionOutsideTheScopeIsForbidden() {
    assertThat(alice.errorCode("task.create", params().put("sessionKey", "web:bob").put("kind", "echo")))
        .isEqualTo("forbidden");
    assertThat(alice.errorCode("task.list", params().put("sessionKey", "web:bob"))).isEqualTo("forbidden");
    assertThat(alice.errorCode("task.subscribe", params().put("sessionKey", "web:bob"))).isEqualTo("forbidden");
  }

  @Test
  void aScopeEndsAtASeparator() throws Exception {
    assertThat(alice.errorCode("task.create", params().put("sessionKey", "web:alice2").put("kind", "echo")))
        .isEqualTo("forbidden");
    for (String session : List.of("web:alice:work", "web:alice/notes")) {
      assertThat(alice.result("task.create", params().put("sessionKey", session).put("kind", "echo"))
          .get("state").asText()).isIn("queued", "running", "completed"); // an idle worker may have taken it
    }
    String others;
    try (WsClient admin = gw.ws(TestGateway.ADMIN)) {
      others = admin.result("task.create", params().put("sessionKey", "web:alice2").put("kind", "echo"))
          .get("taskId").asText();
    }
    assertThat(alice.errorCode("task.status", params().put("taskId", others))).isEqualTo("not_found");
    assertThat(sessions(alice.result("task.list", params().put("limit", 500))))
        .containsOnly("web:alice", "web:alice:work", "web:alice/notes");
    // bob's "telegram:bob" is no scope of "telegram:bobby"
    assertThat(bob.errorCode("task.create", params().put("sessionKey", "telegram:bobby").put("kind", "echo")))
        .isEqualTo("forbidden");
  }

  @Test
  void listingWithoutASessionShowsOnlyTheTokensOwnSessions() throws Exception {
    bob.result("task.create", params().put("sessionKey", "telegram:bob").put("kind", "echo"));
    List<String> aliceSees = sessions(alice.result("task.list", params().put("limit", 500)));
    List<String> bobSees = sessions(bob.result("task.list", params().put("limit", 500)));
    assertThat(aliceSees).isNotEmpty().containsOnly("web:alice");
    assertThat(bobSees).containsOnly("web:bob", "telegram:bob");
    assertThat(sessions(TestGateway.json(gw.get("/v1/tasks", ALICE)))).allMatch(s -> s.startsWith("web:alice"));
    try (WsClient admin = gw.ws(TestGateway.ADMIN)) {
      assertThat(sessions(admin.result("task.list", params()))).contains("web:bob", "web:alice", "telegram:bob");
    }
  }

  @Test
  void aQueuePositionCountsOnlyTheTasksTheTokenMaySee() throws Exception {
    bob.awaitState(bobsTask, "running");
    bob.result("task.create", WsProtocolTest.sleepTask("web:bob", 100)); // queued behind bob's running task
    bob.result("task.create", WsProtocolTest.sleepTask("web:bob", 100));
    String first = alice.result("task.create", WsProtocolTest.sleepTask("web:alice", 20_000)).get("taskId").asText();
    alice.awaitState(first, "running");

    JsonNode second = alice.result("task.create", WsProtocolTest.sleepTask("web:alice", 100));

    // Alice's task waits for her running one only: bob's two queued tasks are not her business.
    assertThat(second.get("state").asText()).isEqualTo("queued");
    assertThat(second.get("position").asLong()).isEqualTo(1);
    String id = second.get("taskId").asText();
    assertThat(alice.result("task.status", params().put("taskId", id)).get("position").asLong()).isEqualTo(1);
    assertThat(TestGateway.json(gw.get("/v1/tasks/" + id, ALICE)).get("position").asLong()).isEqualTo(1);
    try (WsClient admin = gw.ws(TestGateway.ADMIN)) {
      assertThat(admin.result("task.status", params().put("taskId", id)).get("position").asLong()).isEqualTo(3);
    }
  }

  @Test
  void aSessionSubscriptionNeverCarriesOtherSessionsEvents() throws Exception {
    alice.result("task.subscribe", params().put("sessionKey", "web:alice"));
    bob.result("task.create", params().put("sessionKey", "web:bob").put("kind", "echo"));
    alice.result("task.create", params().put("sessionKey", "web:alice").put("kind", "echo"));
    JsonNode e;
    int seen = 0;
    while ((e = alice.eventWithin(1000)) != null) {
      assertThat(e.at("/data/sessionKey").asText()).isEqualTo("web:alice");
      seen++;
    }
    assertThat(seen).isPositive();
  }

  private static List<String> sessions(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("items").forEach(t -> out.add(t.get("sessionKey").asText()));
    return out;
  }
}
