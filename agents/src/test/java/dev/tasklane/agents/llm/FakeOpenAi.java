package dev.tasklane.agents.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An HTTP server speaking the OpenAI chat-completions wire format (streamed as server-sent events),
 * answering each request with whatever the test's script returns for it. Also serves {@code /page}.
 */
final class FakeOpenAi implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One scripted answer. */
  sealed interface Reply permits Text, ToolCalls, Status, Raw, Hang {}

  /** Streamed text, sent in small pieces. */
  record Text(String text) implements Reply {}

  /** Tool calls: name and raw arguments string each, streamed in two pieces. */
  record ToolCalls(List<String[]> calls) implements Reply {}

  record Status(int code, Map<String, String> headers, String body) implements Reply {}

  /** A 200 event stream with this body as is. */
  record Raw(String body) implements Reply {}

  /** Never answers (until the server stops). */
  record Hang() implements Reply {}

  static ToolCalls call(String name, String arguments) {
    return new ToolCalls(List.<String[]>of(new String[] {name, arguments}));
  }

  private final HttpServer server;
  private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile Function<JsonNode, Reply> script;

  FakeOpenAi(Function<JsonNode, Reply> script) throws IOException {
    this.script = script;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/chat/completions", this::chat);
    server.createContext("/page", ex -> send(ex, 200, "text/plain", "page content ".repeat(20)));
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  List<JsonNode> requests() {
    return requests;
  }

  /** The text of every message of a request, role first: "user: hi". */
  static List<String> messages(JsonNode request) {
    return java.util.stream.StreamSupport.stream(request.path("messages").spliterator(), false)
        .map(m -> m.path("role").asText() + ": " + m.path("content").asText()).toList();
  }

  static List<String> toolNames(JsonNode request) {
    return java.util.stream.StreamSupport.stream(request.path("tools").spliterator(), false)
        .map(t -> t.path("function").path("name").asText()).toList();
  }

  /** The last message's role and content. */
  static String last(JsonNode request) {
    List<String> m = messages(request);
    return m.get(m.size() - 1);
  }

  private void chat(HttpExchange ex) throws IOException {
    JsonNode request = JSON.readTree(ex.getRequestBody());
    requests.add(request);
    Reply reply = script.apply(request);
    switch (reply) {
      case Text t -> stream(ex, textChunks(t.text()));
      case ToolCalls c -> stream(ex, toolChunks(c.calls()));
      case Status s -> {
        s.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        send(ex, s.code(), "application/json", s.body());
      }
      case Raw r -> send(ex, 200, "text/event-stream", r.body());
      case Hang h -> {
        try {
          stop.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        ex.close();
      }
    }
  }

  private static List<String> textChunks(String text) {
    List<String> out = new java.util.ArrayList<>();
    out.add(chunk(JSON.createObjectNode().put("role", "assistant").put("content", ""), null));
    for (int i = 0; i < text.length(); i += 4) {
      out.add(chunk(JSON.createObjectNode().put("content", text.substring(i, Math.min(text.length(), i + 4))), null));
    }
    out.add(chunk(JSON.createObjectNode(), "stop"));
    return out;
  }

  private static List<String> toolChunks(List<String[]> calls) {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      String args = calls.get(i)[1];
      int half = args.length() / 2;
      ObjectNode first = JSON.createObjectNode();
      if (i == 0) first.put("role", "assistant");
      ObjectNode call = first.putArray("tool_calls").addObject().put("index", i).put("id", "call_" + i)
          .put("type", "function");
      call.putObject("function").put("name", calls.get(i)[0]).put("arguments", args.substring(0, half));
      out.add(chunk(first, null));
      ObjectNode second = JSON.createObjectNode();
      second.putArray("tool_calls").addObject().put("index", i).putObject("function")
          .put("arguments", args.substring(half));
      out.add(chunk(second, null));
    }
    out.add(chunk(JSON.createObjectNode(), "tool_calls"));
    return out;
  }

  private static String chunk(ObjectNode delta, String finish) {
    ObjectNode c = JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion.chunk")
        .put("created", 1).put("model", "fake");
    ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
    choice.set("delta", delta);
    if (finish == null) choice.putNull("finish_reason");
    else choice.put("finish_reason", finish);
    return c.toString();
  }

  private static void stream(HttpExchange ex, List<String> chunks) throws IOException {
    ex.getResponseHeaders().add("Content-Type", "text/event-stream");
    ex.sendResponseHeaders(200, 0);
    try (OutputStream out = ex.getResponseBody()) {
      for (String c : chunks) {
        out.write(("data: " + c + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
      out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", type);
    ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    stop.countDown();
    server.stop(0);
  }
}
