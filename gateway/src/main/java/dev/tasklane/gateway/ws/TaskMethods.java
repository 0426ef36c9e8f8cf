package dev.tasklane.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Subscription;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.gateway.api.Json;
import dev.tasklane.gateway.api.Params;
import dev.tasklane.gateway.api.TaskApi;
import dev.tasklane.gateway.api.TaskJson;
import dev.tasklane.gateway.ops.GatewayMetrics;
import java.util.Map;

/** The {@code task.*} methods of the WebSocket protocol. */
public final class TaskMethods {
  private final TaskApi api;
  private final GatewayMetrics metrics;

  public TaskMethods(TaskApi api, GatewayMetrics metrics) {
    this.api = api;
    this.metrics = metrics;
  }

  public void register(Map<String, WsMethod> methods) {
    methods.put("task.create", r -> api.create(r.who(), r.params(), null).body());
    methods.put("task.fanOut", r -> api.fanOut(r.who(), r.params(), null).body());
    methods.put("task.status", r -> api.status(r.who(), r.params().requiredString("taskId")));
    methods.put("task.cancel", r -> api.cancel(r.who(), r.params().requiredString("taskId")));
    methods.put("task.list", r -> api.list(r.who(), r.params()));
    methods.put("task.subscribe", this::subscribe);
    methods.put("task.unsubscribe", TaskMethods::unsubscribe);
  }

  /**
   * By {@code taskId} (events with seq after {@code afterSeq}) or by {@code sessionKey} (events with
   * a global id after {@code afterEventId}); the snapshot comes in the response, the events after it.
   */
  private JsonNode subscribe(WsRequest r) {
    Params p = r.params();
    WsConnection conn = r.connection();
    String subscriptionId = conn.reserveSubscriptionId();
    HeldEvents held = new HeldEvents(conn, "task");
    ObjectNode result = Json.object();
    Subscription sub;
    if (p.has("taskId")) {
      Task task = api.visibleTask(r.who(), p.requiredString("taskId"));
      long afterSeq = nonNegative(p.longValue("afterSeq", 0L), "afterSeq");
      sub = api.lane().subscribeTask(task.id(), afterSeq, e -> held.push(frame(subscriptionId, e)));
      result.set("snapshot", TaskJson.task(api.lane().get(task.id()).orElse(task)));
    } else if (p.has("sessionKey")) {
      String sessionKey = p.requiredString("sessionKey");
      TaskApi.checkSession(r.who(), sessionKey);
      long afterEventId = nonNegative(p.longValue("afterEventId", 0L), "afterEventId");
      sub = api.lane().subscribeSession(sessionKey, afterEventId, e -> held.push(frame(subscriptionId, e)));
      ArrayNode tasks = result.putArray("snapshot");
      api.lane().list(TaskQuery.session(sessionKey)).items().forEach(t -> tasks.add(TaskJson.task(t)));
    } else {
      throw new LaneException(ErrorCode.BAD_REQUEST, "task.subscribe needs taskId or sessionKey");
    }
    conn.addSubscription(subscriptionId, sub);
    result.put("subscriptionId", subscriptionId);
    r.afterReply(held::release);
    return result;
  }

  private static JsonNode unsubscribe(WsRequest r) {
    String id = r.params().requiredString("subscriptionId");
    if (!r.connection().removeSubscription(id)) throw new LaneException(ErrorCode.NOT_FOUND, "no subscription " + id);
    return Json.object().put("subscriptionId", id).put("unsubscribed", true);
  }

  private ObjectNode frame(String subscriptionId, TaskEvent e) {
    metrics.eventPublished();
    return TaskJson.event(e).put("subscriptionId", subscriptionId);
  }

  static long nonNegative(long v, String name) {
    if (v < 0) throw new LaneException(ErrorCode.BAD_REQUEST, name + " must not be negative");
    return v;
  }
}
