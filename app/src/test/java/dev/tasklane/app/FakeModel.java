package dev.tasklane.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tasklane.gateway.api.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible chat model on a local port that answers every request with "done: " and the
 * user's last message, and records who asked: each node is given its own base URL,
 * {@code <url>/<node>/v1}, so every answered call says which node's task made it.
 */
final class FakeModel implements AutoCloseable {
  /** One model call: the node (from the path) and the user's last message. */
  record Call(String node, String message) {}

  private final HttpServer server;
  final List<Call> calls = new CopyOnWriteArrayList<>();

  FakeModel() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::answer);
    server.start();
  }

  /** The base URL a node's agent profile gets. */
  String baseUrl(String node) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + node + "/v1";
  }

  /** A configuration file with one {@code llm} profile, {@code model}, talking to this model as {@code node}. */
  String config(String node) {
    ObjectNode root = Json.object();
    root.putObject("agents").putObject("profiles").putObject("model").put("kind", "llm")
        .put("baseUrl", baseUrl(node)).put("model", "fake");
    return Json.write(root);
  }

  private void answer(HttpExchange ex) throws IOException {
    String node = ex.getRequestURI().getPath().split("/")[1];
    JsonNode request = Json.parse(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    JsonNode messages = request.path("messages");
    String last = messages.get(messages.size() - 1).path("content").asText();
    calls.add(new Call(node, last));
    ex.getResponseHeaders().add("Content-Type", "text/event-stream");
    ex.sendResponseHeaders(200, 0);
    try (OutputStream out = ex.getResponseBody()) {
      for (ObjectNode delta : List.of(Json.object().put("role", "assistant").put("content", "done: " + last),
          Json.object())) {
        ObjectNode chunk = Json.object().put("id", "c").put("object", "chat.completion.chunk").put("model", "fake");
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        if (delta.isEmpty()) choice.put("finish_reason", "stop");
        else choice.putNull("finish_reason");
        out.write(("data: " + Json.write(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
      }
      out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
