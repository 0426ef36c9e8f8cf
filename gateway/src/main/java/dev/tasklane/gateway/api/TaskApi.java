package dev.tasklane.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.chat.access.DirectSubmits;
import dev.tasklane.core.BusyPolicy;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.Lane;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Origin;
import dev.tasklane.core.Page;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Submitted;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.core.TaskState;
import dev.tasklane.gateway.auth.AccessToken;
import dev.tasklane.gateway.ops.GatewayMetrics;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * The task operations behind both {@code /ws} and {@code /v1/tasks}, with the caller's scope
 * applied: a task of a session outside the scope is {@code not_found} (its existence is not
 * revealed); naming such a session outright (create, list by session) is {@code forbidden}. A create
 * also needs the caller's grants for the kind and for the input's {@code cwd}, {@code env},
 * {@code profile} (docs/SECURITY.md).
 */
public final class TaskApi {
  private final Lane lane;
  private final GatewayMetrics metrics;

  public TaskApi(Lane lane, GatewayMetrics metrics) {
    this.lane = lane;
    this.metrics = metrics;
  }

  public Lane lane() {
    return lane;
  }

  /** Stores a task and answers at once with its id, state and queue position. */
  public Created create(AccessToken who, Params p, String idempotencyKeyHeader) {
    // Lengths and the rest are checked by the lane; a refusal there changes nothing either.
    String sessionKey = p.requiredString("sessionKey");
    String kind = p.requiredString("kind");
    checkSession(who, sessionKey);
    JsonNode input = p.json("input");
    DirectSubmits.check(who.grants(), kind, input);
    SubmitRequest.Builder b = SubmitRequest.builder(sessionKey, kind)
        .origin(new Origin(null, null, null, who.name())); // who asked; no chat to deliver the result to
    if (input != null) b.input(who.grants().stampProfiles(input));
    Integer priority = p.integer("priority", 0, 10, null);
    if (priority != null) b.priority(priority);
    Integer maxAttempts = p.integer("maxAttempts", 1, 100, null);
    if (maxAttempts != null) b.maxAttempts(maxAttempts);
    Long deadline = p.longValue("deadlineSeconds", null);
    if (deadline != null) {
      if (deadline < 1) throw Params.bad("deadlineSeconds must be at least 1");
      b.deadline(Duration.ofSeconds(deadline));
    }
    String busy = p.string("busyPolicy");
    if (busy != null) b.busyPolicy(BusyPolicy.fromWire(busy));
    String key = idempotencyKeyHeader != null ? idempotencyKeyHeader : p.string("idempotencyKey");
    if (key != null) b.idempotencyKey(key);
    SubmitRequest request = b.build();
    Submitted s = metrics.submitLatency().record(() -> lane.submit(request));
    ObjectNode n = TaskJson.task(s.task());
    n.put("taskId", s.task().id().toString());
    n.put("position", who.allSessions() ? s.position() : position(who, s.task()));
    n.put("created", s.created());
    return new Created(n, s.created());
  }

  /** The task with its queue position (-1 unless queued). */
  public ObjectNode status(AccessToken who, String id) {
    Task t = visibleTask(who, id);
    ObjectNode n = TaskJson.task(t);
    n.put("position", position(who, t));
    return n;
  }

  /**
   * Queued tasks ahead of {@code t} that the caller may see: a scoped token learns nothing of other
   * sessions' queues from it (-1 unless queued).
   */
  private long position(AccessToken who, Task t) {
    if (t.state() != TaskState.QUEUED) return -1;
    return who.allSessions() ? lane.position(t.id()) : lane.position(t.id(), who.prefixes());
  }

  public ObjectNode cancel(AccessToken who, String id) {
    Task t = visibleTask(who, id);
    return TaskJson.task(lane.cancel(t.id()));
  }

  /** {@code {items: [...], nextCursor}}, newest first, limited to the caller's scope. */
  public ObjectNode list(AccessToken who, Params p) {
    String sessionKey = p.string("sessionKey");
    if (sessionKey != null) checkSession(who, sessionKey);
    Set<TaskState> states = EnumSet.noneOf(TaskState.class);
    for (String s : p.strings("state")) states.add(TaskState.fromWire(s));
    int limit = p.integer("limit", 1, TaskQuery.MAX_LIMIT, TaskQuery.DEFAULT_LIMIT);
    TaskQuery q = new TaskQuery(sessionKey, who.allSessions() ? null : who.prefixes(), states, p.string("kind"), limit,
        p.string("cursor"));
    Page<Task> page = lane.list(q);
    ObjectNode n = Json.object();
    ArrayNode items = n.putArray("items");
    page.items().forEach(t -> items.add(TaskJson.task(t)));
    n.put("nextCursor", page.nextCursor());
    return n;
  }

  /** The task if it exists and is in scope; otherwise {@code not_found} either way. */
  public Task visibleTask(AccessToken who, String id) {
    if (id == null) throw Params.bad("taskId is required");
    TaskId taskId = TaskId.parse(id);
    return lane.get(taskId).filter(t -> who.allows(t.sessionKey()))
        .orElseThrow(() -> new LaneException(ErrorCode.NOT_FOUND, "no task " + taskId));
  }

  /** {@code forbidden} unless the caller may use {@code sessionKey}. */
  public static void checkSession(AccessToken who, String sessionKey) {
    if (!who.allows(sessionKey)) {
      throw new LaneException(ErrorCode.FORBIDDEN, "session '" + sessionKey + "' is outside this token's scope");
    }
  }

  /** A create's answer, and whether this call made the task (false on an idempotent repeat). */
  public record Created(ObjectNode body, boolean created) {}
}
