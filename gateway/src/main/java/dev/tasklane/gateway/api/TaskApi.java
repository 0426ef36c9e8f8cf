package dev.tasklane.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.attachments.AttachmentStore;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Page;
import dev.tasklane.core.Submitted;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.core.TaskState;
import dev.tasklane.engine.Lane;
import dev.tasklane.gateway.auth.AccessToken;
import dev.tasklane.gateway.ops.GatewayMetrics;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The task operations behind both {@code /ws} and {@code /v1/tasks}, with the caller's scope
 * applied: a task of a session outside the scope is {@code not_found} (its existence is not
 * revealed); naming such a session outright (create, list by session) is {@code forbidden}. A create
 * also needs the caller's grants for the kind and for the input's {@code cwd}, {@code env},
 * {@code profile} (docs/SECURITY.md).
 */
public final class TaskApi {
  /** The most children one fan-out may have. */
  public static final int MAX_CHILDREN = 100;

  private final Lane lane;
  private final GatewayMetrics metrics;
  private final AttachmentStore attachments;

  /** @param attachments files sent with tasks; null refuses them */
  public TaskApi(Lane lane, GatewayMetrics metrics, AttachmentStore attachments) {
    this.lane = lane;
    this.metrics = metrics;
    this.attachments = attachments;
  }

  public Lane lane() {
    return lane;
  }

  /** Stores a task and answers at once with its id, state and queue position. */
  public Created create(AccessToken who, Params p, String idempotencyKeyHeader) {
    // Lengths and the rest are checked by the lane; a refusal there changes nothing either.
    SubmitParams.Prepared request = request(who, p, idempotencyKeyHeader);
    Submitted s = metrics.submitLatency().record(() -> lane.submit(request.request()));
    link(s, request);
    return new Created(created(who, s), s.created());
  }

  /**
   * Submits {@code children} and a {@code parent} that runs once all of them completed, with their
   * results in its input. With an idempotency key (header or {@code idempotencyKey}), the parent
   * takes it and child {@code i} takes {@code key:i} unless it names its own, so a repeated fan-out
   * returns the same tasks. A refused fan-out stores none of its tasks.
   */
  public Created fanOut(AccessToken who, Params p, String idempotencyKeyHeader) {
    JsonNode children = p.json("children");
    if (children == null || !children.isArray() || children.isEmpty()) {
      throw Params.bad("children must be a non-empty array of tasks");
    }
    if (children.size() > MAX_CHILDREN) throw Params.bad("at most " + MAX_CHILDREN + " children");
    String key = idempotencyKeyHeader != null ? idempotencyKeyHeader : p.string("idempotencyKey");
    SubmitParams.Prepared parent = request(who, Params.of(p.json("parent")), key);
    List<SubmitParams.Prepared> prepared = new ArrayList<>();
    for (int i = 0; i < children.size(); i++) {
      Params child = Params.of(children.get(i));
      String childKey = key == null || child.has("idempotencyKey") ? null : key + ":" + i;
      prepared.add(request(who, child, childKey));
    }
    Lane.FanOut f = lane.fanOut(parent.request(), prepared.stream().map(SubmitParams.Prepared::request).toList());
    link(f.parent(), parent);
    for (int i = 0; i < prepared.size(); i++) link(f.children().get(i), prepared.get(i));
    ObjectNode n = Json.object();
    n.set("parent", created(who, f.parent()));
    ArrayNode list = n.putArray("children");
    f.children().forEach(c -> list.add(created(who, c)));
    return new Created(n, f.parent().created());
  }

  private SubmitParams.Prepared request(AccessToken who, Params p, String idempotencyKey) {
    return SubmitParams.read(who, p, idempotencyKey, lane.clock().instant(), id -> visibleTask(who, id), attachments);
  }

  /** The task's attachments live as long as it does. */
  private void link(Submitted s, SubmitParams.Prepared request) {
    if (!request.attachments().isEmpty()) attachments.link(s.task().id(), request.attachments());
  }

  private ObjectNode created(AccessToken who, Submitted s) {
    Task task = s.task();
    long position = who.allSessions() ? s.position() : position(who, task);
    if (position < 0 && task.state() == TaskState.QUEUED) {
      task = lane.get(task.id()).orElse(task); // a worker took it before its place was counted: say so
    }
    ObjectNode n = TaskJson.task(task);
    n.put("taskId", task.id().toString());
    n.put("position", position);
    n.put("created", s.created());
    return n;
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
    return visibleTask(who, TaskId.parse(id));
  }

  private Task visibleTask(AccessToken who, TaskId taskId) {
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
