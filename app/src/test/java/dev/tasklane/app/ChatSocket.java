package dev.tasklane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.gateway.api.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket client of one node, as the web chat's page is: requests answered by id, and every
 * {@code chat} event (a transcript entry, or an edit of one) kept in arrival order.
 */
final class ChatSocket implements AutoCloseable {
  private final WebSocket socket;
  private final LinkedBlockingQueue<JsonNode> responses = new LinkedBlockingQueue<>();
  final List<JsonNode> entries = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();

  ChatSocket(HttpClient http, String url, String token) {
    socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
        .buildAsync(URI.create(url.replace("http:", "ws:") + "/ws"), new WebSocket.Listener() {
          final StringBuilder part = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
              JsonNode frame = Json.parse(part.toString());
              part.setLength(0);
              if (frame.has("event")) {
                if (frame.get("event").asText().equals("chat")) entries.add(frame.get("data"));
              } else {
                responses.add(frame);
              }
            }
            ws.request(1);
            return null;
          }
        }).join();
  }

  /** Sends a request and returns its result, failing on an error or no answer within 20 s. */
  JsonNode request(String method, ObjectNode params) throws InterruptedException {
    String id = Integer.toString(ids.incrementAndGet());
    ObjectNode frame = Json.object().put("id", id).put("method", method);
    frame.set("params", params);
    socket.sendText(Json.write(frame), true).join();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      JsonNode r = responses.poll(200, TimeUnit.MILLISECONDS);
      if (r == null || !r.path("id").asText().equals(id)) continue;
      assertThat(r.get("ok").asBoolean()).as("%s answered %s", method, r).isTrue();
      return r.get("result");
    }
    throw new AssertionError("no answer to " + method);
  }

  /** The entries received whose text is {@code text}, each delivery counted. */
  List<JsonNode> withText(String text) {
    return entries.stream().filter(e -> e.path("text").asText().equals(text)).toList();
  }

  @Override
  public void close() {
    socket.abort();
  }
}
