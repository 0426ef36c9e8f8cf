package dev.tasklane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.gateway.api.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A protocol client over java.net.http's WebSocket: requests by id, events in a queue. */
final class WsClient implements AutoCloseable {
  /** Added to every frame on arrival: {@link System#nanoTime()} when it was read. */
  static final String RECEIVED_AT = "_receivedAtNanos";

  private final WebSocket socket;
  private final BlockingQueue<JsonNode> responses = new LinkedBlockingQueue<>();
  private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
  private final AtomicInteger nextId = new AtomicInteger();
  volatile boolean closed;
  volatile int closeCode;

  private WsClient(HttpClient http, URI uri, String token) {
    WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    if (token != null) b.header("Authorization", "Bearer " + token);
    socket = b.buildAsync(uri, new Listener()).join();
  }

  static WsClient connect(int port, String token) {
    return new WsClient(HttpClient.newHttpClient(), URI.create("ws://127.0.0.1:" + port + "/ws"), token);
  }

  /** Sends a request and waits for the response with its id. */
  JsonNode call(String method, JsonNode params) {
    String id = "r" + nextId.incrementAndGet();
    ObjectNode frame = Json.object().put("id", id).put("method", method);
    frame.set("params", params);
    sendRaw(Json.write(frame));
    return response(id);
  }

  /** The result of a call that must succeed. */
  JsonNode result(String method, JsonNode params) {
    JsonNode r = call(method, params);
    assertThat(r.get("ok").asBoolean()).as("%s answered %s", method, r).isTrue();
    return r.get("result");
  }

  /** The error code of a call that must fail. */
  String errorCode(String method, JsonNode params) {
    JsonNode r = call(method, params);
    assertThat(r.get("ok").asBoolean()).as("%s answered %s", method, r).isFalse();
    assertThat(r.at("/error/message").asText()).isNotBlank();
    return r.at("/error/code").asText();
  }

  static final java.util.Set<String> TERMINAL = java.util.Set.of("completed", "failed", "canceled", "expired");

  /** Polls task.status until the task is terminal; returns it. */
  JsonNode awaitTerminal(String taskId) {
    return awaitStatus(taskId, t -> TERMINAL.contains(t.get("state").asText()), "terminal");
  }

  /** Polls task.status until the task is in {@code state}; returns it. */
  JsonNode awaitState(String taskId, String state) {
    return awaitStatus(taskId, t -> t.get("state").asText().equals(state), state);
  }

  private JsonNode awaitStatus(String taskId, java.util.function.Predicate<JsonNode> done, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      JsonNode t = result("task.status", Json.object().put("taskId", taskId));
      if (done.test(t)) return t;
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("task " + taskId + " never " + what);
  }

  void sendRaw(String text) {
    socket.sendText(text, true).join();
  }

  /** The next response frame whatever its id (after a raw send). */
  JsonNode nextResponse() {
    return poll(responses, "a response");
  }

  JsonNode response(String id) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      JsonNode r = poll(responses, "response " + id);
      if (id.equals(r.path("id").asText())) return r;
      responses.add(r); // someone else's; keep it
    }
    throw new AssertionError("no response " + id);
  }

  /** True if the response to {@code id} has arrived; it stays for {@link #response}. */
  boolean hasResponse(String id) {
    return responses.stream().anyMatch(r -> id.equals(r.path("id").asText()));
  }

  /** The next event frame's data, or fails after 10 s. */
  JsonNode nextEvent() {
    return poll(events, "an event");
  }

  /** The next event, or null if none arrives within {@code millis}. */
  JsonNode eventWithin(long millis) throws InterruptedException {
    return events.poll(millis, TimeUnit.MILLISECONDS);
  }

  private static JsonNode poll(BlockingQueue<JsonNode> q, String what) {
    try {
      JsonNode n = q.poll(10, TimeUnit.SECONDS);
      if (n == null) throw new AssertionError("timed out waiting for " + what);
      return n;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (closed) socket.abort();
    else if (!socket.isOutputClosed()) socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonNode frame = Json.parse(partial.toString());
        partial.setLength(0);
        ((ObjectNode) frame).put(RECEIVED_AT, System.nanoTime()); // for latency measurements
        if (frame.has("event")) events.add(frame);
        else responses.add(frame);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closeCode = statusCode;
      closed = true;
      return null;
    }
  }
}
