package dev.tasklane.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.chat.TaskTitle;
import dev.tasklane.core.Progress;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskError;
import dev.tasklane.core.TaskEvent;
import java.time.Instant;

/** The wire shapes of tasks and events (docs/PROTOCOL.md); kept by hand so they stay stable. */
public final class TaskJson {
  private TaskJson() {}

  public static ObjectNode task(Task t) {
    ObjectNode n = Json.object();
    n.put("id", t.id().toString());
    n.put("sessionKey", t.sessionKey());
    n.put("kind", t.kind());
    n.put("title", TaskTitle.of(t));
    n.put("state", t.state().wire());
    n.put("priority", t.priority());
    n.put("attempt", t.attempt());
    n.put("maxAttempts", t.maxAttempts());
    n.put("node", t.lease() == null ? null : t.lease().owner());
    n.set("input", t.input());
    n.set("progress", progress(t.progress()));
    n.set("result", t.result());
    n.set("error", error(t.error()));
    time(n, "createdAt", t.createdAt());
    time(n, "startedAt", t.startedAt());
    time(n, "finishedAt", t.finishedAt());
    time(n, "notBefore", t.notBefore());
    time(n, "expiresAt", t.expiresAt());
    time(n, "cancelRequestedAt", t.cancelRequestedAt());
    if (t.parentId() != null) n.put("parentId", t.parentId().toString());
    if (!t.dependsOn().isEmpty()) {
      t.dependsOn().forEach(d -> n.withArray("dependsOn").add(d.toString()));
      n.put("waitingOn", t.waitingOn());
    }
    return n;
  }

  public static ObjectNode event(TaskEvent e) {
    ObjectNode n = Json.object();
    n.put("eventId", e.id());
    n.put("taskId", e.taskId().toString());
    n.put("sessionKey", e.sessionKey());
    n.put("seq", e.seq());
    n.put("type", e.type().wire());
    n.put("state", e.state().wire());
    time(n, "at", e.at());
    if (e.progress() != null) n.set("progress", progress(e.progress()));
    if (e.result() != null && !e.result().isNull()) n.set("result", e.result());
    if (e.error() != null) n.set("error", error(e.error()));
    if (e.output() != null) n.put("output", e.output());
    return n;
  }

  public static ObjectNode progress(Progress p) {
    ObjectNode n = Json.object();
    if (p == null) p = Progress.NONE;
    if (p.fraction() == null) n.putNull("fraction");
    else n.put("fraction", p.fraction());
    n.put("message", p.message());
    n.put("steps", p.steps());
    if (p.totalSteps() == null) n.putNull("totalSteps");
    else n.put("totalSteps", p.totalSteps());
    return n;
  }

  private static JsonNode error(TaskError e) {
    if (e == null) return Json.MAPPER.nullNode();
    ObjectNode n = Json.object();
    n.put("code", e.code());
    n.put("message", e.message());
    n.put("retryable", e.retryable());
    return n;
  }

  private static void time(ObjectNode n, String field, Instant at) {
    if (at == null) n.putNull(field);
    else n.put(field, at.toString());
  }
}
