package dev.tasklane.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A well-behaved client, as a web chat is: follows its session's task events and creates tasks at
 * a steady pace, one at a time, each with an idempotency key, timing each acknowledgement. If its
 * connection breaks it reconnects and sends the unacknowledged create again with the same key.
 *
 * <p>A churning client ({@link #churn}) drops its connection right after sending each create, then
 * sends it again on a new one, as a client that lost its network mid-request and retries does.
 */
final class CreatingClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);

  private final HttpClient http;
  private final int port;
  private final String session;
  private final LoadTally tally;
  private final BlockingQueue<JsonNode> responses = new LinkedBlockingQueue<>();
  private WebSocket socket;

  CreatingClient(HttpClient http, int port, String session, LoadTally tally) {
    this.http = http;
    this.port = port;
    this.session = session;
    this.tally = tally;
  }

  /** Creates {@code perSecond} tasks a second until {@code endNanos}, or as many as it can. */
  void run(double perSecond, long endNanos) throws Exception {
    connect();
    long start = System.nanoTime();
    for (long i = 0; System.nanoTime() < endNanos; i++) {
      long due = start + (long) (i * 1e9 / perSecond);
      long wait = due - System.nanoTime();
      if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
      create(session + "-" + i, true);
    }
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
  }

  /** Until {@code endNanos}: send a create, drop the connection unanswered, send it again; untimed. */
  void churn(long endNanos) throws Exception {
    connect();
    for (long i = 0; System.nanoTime() < endNanos; i++) {
      String key = session + "-" + i;
      socket.sendText(createFrame(key), true).join();
      socket.abort();
      tally.churned.incrementAndGet();
      create(key, false);
    }
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
  }

  /** Sends one create and waits for its answer, reconnecting and resending as often as needed. */
  private void create(String key, boolean timed) throws Exception {
    tally.sent(session, key);
    String frame = createFrame(key);
    for (int attempt = 0; ; attempt++) {
      if (attempt > 0) {
        tally.resent.incrementAndGet();
        connect();
      }
      long sent = System.nanoTime();
      try {
        socket.sendText(frame, true).join();
      } catch (RuntimeException broken) {
        continue;
      }
      JsonNode answer = answer(key);
      if (answer == null) continue;
      if (!answer.path("ok").asBoolean()) {
        tally.refused.incrementAndGet();
        return;
      }
      tally.acknowledged(session, answer.at("/result/taskId").asText(), timed ? System.nanoTime() - sent : -1);
      return;
    }
  }

  private String createFrame(String key) throws Exception {
    ObjectNode params = JSON.createObjectNode().put("sessionKey", session).put("kind", "noop")
        .put("idempotencyKey", key);
    return JSON.writeValueAsString(JSON.createObjectNode().put("id", key).put("method", "task.create")
        .set("params", params));
  }

  private JsonNode answer(String id) throws InterruptedException {
    long end = System.nanoTime() + ANSWER_WITHIN.toNanos();
    for (long left = ANSWER_WITHIN.toNanos(); left > 0; left = end - System.nanoTime()) {
      JsonNode r = responses.poll(left, TimeUnit.NANOSECONDS);
      if (r == null || r.path("closed").asBoolean()) return null;
      if (id.equals(r.path("id").asText())) return r;
    }
    return null;
  }

  private void connect() throws Exception {
    if (socket != null) socket.abort();
    responses.clear();
    socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + LoadServer.TOKEN)
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new Listener()).get(30, TimeUnit.SECONDS);
    socket.sendText("{\"id\":\"follow\",\"method\":\"task.subscribe\",\"params\":{\"sessionKey\":\"" + session
        + "\"}}", true).join();
  }

  /** Keeps responses (events are read and dropped, as a page that shows them would). */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          JsonNode frame = JSON.readTree(partial.toString());
          if (!frame.has("event")) responses.add(frame);
        } catch (Exception e) {
          throw new IllegalStateException("a frame that is not JSON", e);
        } finally {
          partial.setLength(0);
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      responses.add(JSON.createObjectNode().put("closed", true));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      responses.add(JSON.createObjectNode().put("closed", true));
    }
  }
}
