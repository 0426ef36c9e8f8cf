package dev.tasklane.gateway.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.chat.ChatMessage;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Origin;
import dev.tasklane.core.Progress;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskError;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.core.TaskState;
import dev.tasklane.engine.Lane;
import dev.tasklane.gateway.api.Json;
import dev.tasklane.gateway.api.Params;
import dev.tasklane.gateway.api.TaskJson;
import dev.tasklane.gateway.auth.WarmUpPass;
import dev.tasklane.gateway.webchat.ChatJson;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the paths of a request once at start, so that the first user's message is acknowledged as
 * fast as the hundredth: the request JSON read and the task JSON written, the store's reads, a
 * submit's write and the claim that shares its commit rehearsed (rolled back: no task, claim, event
 * or id gap stays; SQLite only, as a PostgreSQL sequence does not roll back), the metrics' timers
 * (in a registry nobody reads), the Markdown renderer, the server's HTTP path and a WebSocket
 * session over loopback. The session presents a {@link WarmUpPass}: one use, in memory only,
 * granting nothing, so its {@code task.create} is refused ({@code forbidden}) after running the
 * request's path up to the submit.
 */
public final class WarmUp {
  private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
  private static final String INPUT = "{\"command\":[\"true\"]}";

  private WarmUp() {}

  /** Best effort: a failure is logged and the server starts all the same. */
  public static void run(Lane lane, String host, int port, WarmUpPass pass) {
    long t0 = System.nanoTime();
    try {
      json();
      storeJson();
      GatewayMetrics.warmUp();
      reads(lane);
      WarmUpPass.Pass p = pass.issue();
      try {
        submit(lane, p.sessionKey());
        try (Loopback http = Loopback.connect(host, port)) {
          http.get("GET /healthz HTTP/1.1\r\nHost: warm-up\r\nConnection: close\r\n\r\n");
        }
        try (Loopback ws = Loopback.connect(host, port)) {
          String answer = ws.webSocket("/ws", p.secret(), "{\"id\":1,\"method\":\"task.create\",\"params\":{"
              + "\"sessionKey\":\"" + p.sessionKey() + "\",\"kind\":\"exec\",\"input\":" + INPUT + "}}");
          if (!answer.contains("\"ok\":false")) log.warn("the warm-up request was not refused: {}", answer);
        }
      } finally {
        pass.revoke();
      }
      log.debug("warmed up in {} ms", (System.nanoTime() - t0) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      log.debug("warming up failed; the first request will be slower", e);
    }
  }

  /** A submit of the kind users send most, else of any kind the lane runs, rehearsed. */
  private static void submit(Lane lane, String sessionKey) {
    Set<String> kinds = lane.kinds();
    if (kinds.isEmpty()) return;
    String kind = kinds.contains("exec") ? "exec" : kinds.iterator().next();
    try {
      lane.rehearseSubmit(SubmitRequest.builder(sessionKey, kind).input(Json.parse(INPUT))
          .origin(new Origin(null, null, null, WarmUpPass.NAME)).build());
    } catch (LaneException e) {
      // Another kind may refuse an exec command as its input: its submit stays unrehearsed.
      log.debug("the warm-up's {} submit was refused", kind, e);
    }
  }

  /** A create request read as the WebSocket reads it, and a task and a chat entry written as replies are. */
  private static void json() {
    JsonNode frame = Json.parse("{\"id\":\"1\",\"method\":\"task.create\",\"params\":{\"sessionKey\":\"web:warm-up\","
        + "\"kind\":\"exec\",\"input\":{\"command\":[\"true\"]},\"priority\":5,\"idempotencyKey\":\"k\"}}");
    Params p = Params.of(frame.get("params"));
    p.requiredString("sessionKey");
    p.integer("priority", 0, 10, null);
    p.json("input");
    Instant now = Instant.now();
    Task task = new Task(TaskId.of(1), "web:warm-up", "exec", p.json("input"), TaskState.QUEUED, 5, 0, 3, now, now,
        null, null, null, Duration.ofMinutes(30), null, null, null, null, null, null, null, null, null, true, 0);
    ObjectNode reply = Json.object().put("id", "1").put("ok", true);
    reply.set("result", TaskJson.task(task).put("position", 0));
    Json.write(reply);
    Json.write(ChatJson.message(new ChatMessage(1, "web:warm-up", ChatMessage.Role.ASSISTANT,
        "**Done.** `code`\n\n```\nx\n```", null, null, now, null, false)));
  }

  /**
   * The values the store writes and reads as JSON columns (origin, progress, error): the mapper
   * builds its serializer and deserializer of each on first use, which took longer than the rest of
   * the first submit together.
   */
  private static void storeJson() throws IOException {
    ObjectMapper mapper = dev.tasklane.store.Json.MAPPER;
    for (Object value : List.of(new Origin("web", "warm-up", "1", "someone"), new Progress(0.5, "warming up", 1, 2L),
        new TaskError("warm_up", "not an error", true))) {
      mapper.readValue(mapper.writeValueAsString(value), value.getClass());
    }
    mapper.convertValue(mapper.valueToTree(new Progress(null, "x", 0, null)), Progress.class);
  }

  /** The store's reads a request makes: a task by id, its place in the queue, a page of a list. */
  private static void reads(Lane lane) {
    lane.get(TaskId.of(1));
    lane.position(TaskId.of(1));
    lane.list(TaskQuery.all().withLimit(1));
  }
}
