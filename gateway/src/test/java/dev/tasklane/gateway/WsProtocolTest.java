package dev.tasklane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.gateway.api.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every task.* method of /ws against a real lane on SQLite. */
class WsProtocolTest {
  @TempDir Path dir;
  TestGateway gw;
  WsClient ws;

  @BeforeEach
  void start() {
    gw = TestGateway.start(dir, GatewayConfig.defaults());
    ws = gw.ws(TestGateway.ADMIN);
  }

  @AfterEach
  void stop() {
    ws.close();
    gw.close();
  }

  static ObjectNode params() {
    return Json.object();
  }

  static ObjectNode sleepTask(String session, long millis) {
    ObjectNode p = params().put("sessionKey", session).put("kind", "sleep");
    p.putObject("input").put("millis", millis);
    return p;
  }

  @Test
  void createAnswersQueuedWithPositionAndTheTaskRunsToCompletion() {
    JsonNode first = ws.result("task.create", sleepTask("web:a", 400));
    JsonNode second = ws.result("task.create", params().put("sessionKey", "web:a").put("kind", "echo"));

    assertThat(first.get("state").asText()).isIn("queued", "running"); // an idle worker may have taken it already
    assertThat(first.get("taskId").asText()).isEqualTo(first.get("id").asText()).isNotBlank();
    assertThat(second.get("state").asText()).isEqualTo("queued");
    assertThat(second.get("position").asLong()).isGreaterThanOrEqualTo(1); // it waits for its session's first task
    assertThat(second.get("created").asBoolean()).isTrue();

    JsonNode done = ws.awaitTerminal(second.get("taskId").asText());
    assertThat(done.get("state").asText()).isEqualTo("completed");
    assertThat(done.get("result").get("sessionKey")).isNull();
    assertThat(done.get("finishedAt").asText()).isNotBlank();
    assertThat(ws.awaitTerminal(first.get("taskId").asText()).at("/result/text").asText()).isEqualTo("slept 400 ms");
  }

  @Test
  void statusShowsTheStoredTaskShape() {
    ObjectNode p = params().put("sessionKey", "web:a").put("kind", "echo").put("priority", 7).put("maxAttempts", 2);
    p.putObject("input").put("hello", "world");
    String id = ws.result("task.create", p).get("taskId").asText();

    JsonNode t = ws.awaitTerminal(id);
    assertThat(t.get("sessionKey").asText()).isEqualTo("web:a");
    assertThat(t.get("kind").asText()).isEqualTo("echo");
    assertThat(t.get("priority").asInt()).isEqualTo(7);
    assertThat(t.get("maxAttempts").asInt()).isEqualTo(2);
    assertThat(t.get("attempt").asInt()).isEqualTo(1);
    assertThat(t.at("/result/hello").asText()).isEqualTo("world");
    assertThat(t.get("error").isNull()).isTrue();
    for (String f : List.of("createdAt", "startedAt", "finishedAt", "progress", "position")) assertThat(t.has(f)).isTrue();
  }

  @Test
  void cancelStopsARunningTaskAndIsHarmlessOnATerminalOne() {
    String id = ws.result("task.create", sleepTask("web:c", 20_000)).get("taskId").asText();
    ws.awaitState(id, "running");

    JsonNode canceled = ws.result("task.cancel", params().put("taskId", id));
    assertThat(canceled.get("id").asText()).isEqualTo(id);
    assertThat(ws.awaitTerminal(id).get("state").asText()).isEqualTo("canceled");
    assertThat(ws.result("task.cancel", params().put("taskId", id)).get("state").asText()).isEqualTo("canceled");
  }

  @Test
  void listFiltersBySessionAndStateAndPagesWithACursor() {
    for (int i = 0; i < 5; i++) ws.result("task.create", params().put("sessionKey", "web:list").put("kind", "echo"));
    ws.result("task.create", params().put("sessionKey", "web:other").put("kind", "echo"));
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      ObjectNode q = params().put("sessionKey", "web:list").put("limit", 2);
      if (cursor != null) q.put("cursor", cursor);
      JsonNode page = ws.result("task.list", q);
      assertThat(page.get("items").size()).isLessThanOrEqualTo(2);
      page.get("items").forEach(t -> {
        assertThat(t.get("sessionKey").asText()).isEqualTo("web:list");
        seen.add(t.get("id").asText());
      });
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
    } while (cursor != null);
    assertThat(seen).hasSize(5).doesNotHaveDuplicates();

    String last = seen.getFirst();
    ws.awaitTerminal(last);
    ObjectNode q = params().put("sessionKey", "web:list");
    q.putArray("state").add("completed");
    ws.result("task.list", q).get("items").forEach(t -> assertThat(t.get("state").asText()).isEqualTo("completed"));
  }

  @Test
  void subscribeByTaskGivesTheSnapshotThenEveryEventInOrder() {
    String id = ws.result("task.create", sleepTask("web:s", 300)).get("taskId").asText();
    JsonNode response = ws.call("task.subscribe", params().put("taskId", id));
    JsonNode sub = response.get("result");
    assertThat(sub.at("/snapshot/id").asText()).isEqualTo(id);
    String subId = sub.get("subscriptionId").asText();

    JsonNode firstFrame = ws.nextEvent();
    assertThat(firstFrame.get(WsClient.RECEIVED_AT).asLong()).as("the response comes before the first event")
        .isGreaterThanOrEqualTo(response.get(WsClient.RECEIVED_AT).asLong());
    List<JsonNode> events = new ArrayList<>(List.of(firstFrame.get("data")));
    events.addAll(eventsUntilTerminal(subId));
    assertThat(events.getFirst().get("type").asText()).isEqualTo("created");
    assertThat(events.getLast().get("type").asText()).isEqualTo("completed");
    assertThat(events.stream().map(e -> e.get("type").asText())).contains("started");
    for (int i = 0; i < events.size(); i++) assertThat(events.get(i).get("seq").asLong()).isEqualTo(i + 1);

    // Resuming after seq 2 gives exactly the rest.
    JsonNode again = ws.result("task.subscribe", params().put("taskId", id).put("afterSeq", 2));
    List<JsonNode> rest = eventsUntilTerminal(again.get("subscriptionId").asText());
    assertThat(rest.getFirst().get("seq").asLong()).isEqualTo(3);
    assertThat(rest).hasSize(events.size() - 2);
  }

  @Test
  void subscribeBySessionFollowsEveryTaskOfTheSessionAndUnsubscribeStopsIt() throws Exception {
    ws.result("task.create", params().put("sessionKey", "web:feed").put("kind", "echo"));
    JsonNode sub = ws.result("task.subscribe", params().put("sessionKey", "web:feed"));
    assertThat(sub.get("snapshot").isArray()).isTrue();
    String subId = sub.get("subscriptionId").asText();
    ws.result("task.create", params().put("sessionKey", "web:feed").put("kind", "echo"));
    ws.result("task.create", params().put("sessionKey", "web:elsewhere").put("kind", "echo"));

    Set<String> completed = new HashSet<>();
    while (completed.size() < 2) {
      JsonNode e = ws.nextEvent().get("data");
      assertThat(e.get("sessionKey").asText()).isEqualTo("web:feed");
      assertThat(e.get("subscriptionId").asText()).isEqualTo(subId);
      if (e.get("type").asText().equals("completed")) completed.add(e.get("taskId").asText());
    }

    assertThat(ws.result("task.unsubscribe", params().put("subscriptionId", subId)).get("unsubscribed").asBoolean())
        .isTrue();
    ws.result("task.create", params().put("sessionKey", "web:feed").put("kind", "echo"));
    assertThat(ws.eventWithin(700)).isNull();
    assertThat(ws.errorCode("task.unsubscribe", params().put("subscriptionId", subId))).isEqualTo("not_found");
  }

  private List<JsonNode> eventsUntilTerminal(String subscriptionId) {
    List<JsonNode> out = new ArrayList<>();
    while (true) {
      JsonNode frame = ws.nextEvent();
      assertThat(frame.get("event").asText()).isEqualTo("task");
      JsonNode e = frame.get("data");
      if (!e.get("subscriptionId").asText().equals(subscriptionId)) continue;
      out.add(e);
      if (WsClient.TERMINAL.contains(e.get("state").asText())) return out;
    }
  }
}
