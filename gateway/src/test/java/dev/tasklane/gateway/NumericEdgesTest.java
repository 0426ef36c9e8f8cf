package dev.tasklane.gateway;

import static dev.tasklane.gateway.TestGateway.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.chat.ChatConfig;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.gateway.api.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every numeric parameter at and past its edges, as a hostile client would send it: the answer is
 * a {@code bad_request} or a normal answer, never {@code internal}, and a refusal creates nothing.
 */
class NumericEdgesTest {
  /** Longs at their edges, just past them, and numbers that are no integers. */
  static final List<String> EDGES = List.of("9223372036854775807", "-9223372036854775808", "9223372036854775808",
      "-9223372036854775809", "0", "-1", "1e308", "1.5", "2147483648", "-2147483649");

  @TempDir Path dir;
  TestGateway gw;
  WsClient ws;
  String taskId;

  @BeforeEach
  void start() {
    gw = TestGateway.withChat(dir, GatewayConfig.defaults().withPort(0), ChatConfig.defaults());
    ws = gw.ws(ADMIN);
    taskId = ws.result("task.create", Json.object().put("sessionKey", "web:a").put("kind", "echo")).get("taskId")
        .asText();
  }

  @AfterEach
  void stop() {
    ws.close();
    gw.close();
  }

  private String answer(String method, String paramsWithout, String name, String value) {
    String params = "{" + paramsWithout + (paramsWithout.isEmpty() ? "" : ", ") + "\"" + name + "\": " + value + "}";
    JsonNode r = ws.call(method, Json.parse(params));
    return r.get("ok").asBoolean() ? "ok" : r.at("/error/code").asText();
  }

  @Test
  void createRefusesEveryOutOfRangeNumberAsABadRequest() throws Exception {
    for (String name : List.of("deadlineSeconds", "priority", "maxAttempts")) {
      for (String v : EDGES) {
        assertThat(answer("task.create", "\"sessionKey\": \"web:edge\", \"kind\": \"echo\"", name, v))
            .as("task.create %s = %s", name, v).isIn("ok", "bad_request");
        var http = gw.post("/v1/tasks", ADMIN, "{\"sessionKey\": \"web:edge\", \"kind\": \"echo\", \"" + name + "\": "
            + v + "}");
        assertThat(http.statusCode()).as("POST /v1/tasks %s = %s: %s", name, v, http.body()).isIn(200, 201, 400);
      }
    }
    assertThat(answer("task.create", "\"sessionKey\": \"web:edge\", \"kind\": \"echo\"", "deadlineSeconds",
        "9223372036854775807")).isEqualTo("bad_request");
    assertThat(answer("task.create", "\"sessionKey\": \"web:edge\", \"kind\": \"echo\"", "deadlineSeconds",
        "604800")).isEqualTo("ok"); // seven days, the longest deadline
    assertThat(answer("task.create", "\"sessionKey\": \"web:edge\", \"kind\": \"echo\"", "deadlineSeconds",
        "604801")).isEqualTo("bad_request");
    // Only the in-range ones made tasks: none of the refused ones left anything behind.
    var made = gw.lane.list(TaskQuery.session("web:edge").withLimit(500)).items();
    assertThat(made).allMatch(t -> t.deadline().toSeconds() <= 604_800);
  }

  @Test
  void cursorsLimitsAndIdsAtTheirEdgesAreAnsweredNormallyOrRefused() throws Exception {
    for (String v : EDGES) {
      assertThat(answer("task.list", "", "limit", v)).as("limit %s", v).isIn("ok", "bad_request");
      assertThat(answer("task.subscribe", "\"taskId\": \"" + taskId + "\"", "afterSeq", v)).as("afterSeq %s", v)
          .isIn("ok", "bad_request");
      assertThat(answer("task.subscribe", "\"sessionKey\": \"web:a\"", "afterEventId", v)).as("afterEventId %s", v)
          .isIn("ok", "bad_request");
      assertThat(answer("chat.history", "\"chatId\": \"a\"", "afterId", v)).as("afterId %s", v)
          .isIn("ok", "bad_request");
      assertThat(answer("chat.history", "\"chatId\": \"a\"", "limit", v)).as("history limit %s", v)
          .isIn("ok", "bad_request");
      assertThat(answer("chat.subscribe", "\"chatId\": \"a\"", "afterId", v)).as("chat afterId %s", v)
          .isIn("ok", "bad_request");
      String query = v.replace("e", "E");
      assertThat(gw.get("/v1/tasks?limit=" + query, ADMIN).statusCode()).as("?limit=%s", v).isIn(200, 400);
      assertThat(gw.get("/v1/tasks/" + taskId + "/events?afterSeq=" + query, ADMIN).statusCode())
          .as("?afterSeq=%s", v).isIn(200, 400);
    }
    for (String id : List.of("ZZZZZZZZZZZZZ", "7ZZZZZZZZZZZZ", "0000000000000", "00000000000001")) {
      assertThat(answer("task.status", "", "taskId", "\"" + id + "\"")).as("taskId %s", id)
          .isIn("not_found", "bad_request");
    }
  }
}
