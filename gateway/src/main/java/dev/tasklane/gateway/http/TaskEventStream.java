package dev.tasklane.gateway.http;

import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Subscription;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.engine.Lane;
import dev.tasklane.gateway.api.Json;
import dev.tasklane.gateway.api.TaskApi;
import dev.tasklane.gateway.api.TaskJson;
import dev.tasklane.gateway.auth.AccessToken;
import dev.tasklane.gateway.ops.GatewayMetrics;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /v1/tasks/{id}/events}: Server-Sent Events of one task. Each event's SSE id is the
 * task's event seq, so a client that reconnects with {@code Last-Event-ID: N} (or
 * {@code ?lastEventId=N}) gets exactly the events after N. After the event that makes the task
 * terminal the server sends {@code event: end} and closes the stream.
 */
public final class TaskEventStream {
  static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private final TaskApi api;
  private final GatewayMetrics metrics;
  private final ScheduledExecutorService timer;

  public TaskEventStream(TaskApi api, GatewayMetrics metrics, ScheduledExecutorService timer) {
    this.api = api;
    this.metrics = metrics;
    this.timer = timer;
  }

  void open(Context ctx, AccessToken who) throws Exception {
    // Every check happens before the 200 and the event-stream headers go out.
    Task task = api.visibleTask(who, ctx.pathParam("id"));
    long afterSeq = lastEventId(ctx);
    String accept = ctx.header("Accept");
    if (accept == null || !accept.contains("text/event-stream")) {
      throw new LaneException(ErrorCode.BAD_REQUEST, "this is an event stream: send Accept: text/event-stream");
    }
    new SseHandler(client -> stream(client, task, afterSeq)).handle(ctx);
  }

  private void stream(SseClient client, Task task, long afterSeq) {
    Lane lane = api.lane();
    metrics.sseConnections().incrementAndGet();
    AtomicReference<Subscription> sub = new AtomicReference<>();
    // The write happens on a virtual thread: a client that stopped reading blocks only itself.
    ScheduledFuture<?> keepAlive = timer.scheduleAtFixedRate(
        () -> Thread.startVirtualThread(() -> comment(client)), KEEP_ALIVE.toMillis(), KEEP_ALIVE.toMillis(),
        TimeUnit.MILLISECONDS);
    client.onClose(() -> {
      keepAlive.cancel(false);
      Subscription s = sub.getAndSet(null);
      if (s != null) s.close();
      metrics.sseConnections().decrementAndGet();
    });
    client.keepAlive();
    if (task.isTerminal() && lane.events(task.id(), afterSeq, 1).isEmpty()) {
      end(client); // nothing more will ever come
      return;
    }
    sub.set(lane.subscribeTask(task.id(), afterSeq, e -> send(client, e)));
    if (client.terminated()) {
      Subscription s = sub.getAndSet(null);
      if (s != null) s.close();
    }
  }

  /** Writes to one client are serialised: events and keep-alives come from different threads. */
  private void send(SseClient client, TaskEvent e) {
    synchronized (client) {
      if (client.terminated()) return;
      metrics.eventPublished();
      client.sendEvent("task", Json.write(TaskJson.event(e)), Long.toString(e.seq()));
      if (e.state().isTerminal()) end(client);
    }
  }

  private static void comment(SseClient client) {
    synchronized (client) {
      if (!client.terminated()) client.sendComment("keep-alive");
    }
  }

  private static void end(SseClient client) {
    synchronized (client) {
      client.sendEvent("end", "{}");
      client.close();
    }
  }

  private static long lastEventId(Context ctx) {
    String v = ctx.header("Last-Event-ID");
    if (v == null) v = ctx.queryParam("lastEventId");
    if (v == null || v.isBlank()) return 0;
    try {
      long n = Long.parseLong(v.strip());
      if (n < 0) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new LaneException(ErrorCode.BAD_REQUEST, "Last-Event-ID must be a non-negative integer (an event seq)");
    }
  }
}
