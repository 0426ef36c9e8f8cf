package dev.tasklane.telegram;

import static dev.tasklane.telegram.FakeChats.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tasklane.telegram.FakeChats.Msg;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Bot API server for tests: speaks Telegram's wire format over HTTP ({@code /bot<token>/<method>},
 * JSON or multipart requests, {@code {"ok": ..., "result"|"error_code", "description", "parameters"}}
 * answers), keeps chats and messages, hands out updates by long polling with Telegram's offset
 * rules (an update is forgotten once a {@code getUpdates} asks past it), and fails on demand: 429
 * with {@code retry_after}, 400s, and answers that come too late. Several bots (nodes of a cluster)
 * may each be given a port of their own ({@link #url(String)}), so that every call says who made it;
 * calls can be held in flight ({@link #hold}, {@link #holdSends()}) to catch a node mid-call.
 */
public final class FakeBotApi implements AutoCloseable {
  public static final String TOKEN = "123456:TEST-token_for-the-fake";
  public static final long BOT_ID = 123456;
  public static final String BOT_USERNAME = "tasklane_test_bot";

  /**
   * A request the bot made: the method, its parameters, when, the HTTP status answered (0: none, the
   * connection was closed), and the node whose port it came to (null: {@link #url()}).
   */
  public record Call(String method, JsonNode params, long atNanos, int status, String node) {}

  /** A failure to answer the next calls of a method with. */
  private record Fault(int code, String description, Integer retryAfter, Duration stall, boolean applyFirst) {}

  /** An update waiting to be fetched, and when it was first handed out (0 = not yet). */
  private static final class Pending {
    final ObjectNode update;
    volatile long deliveredAtNanos;

    Pending(ObjectNode update) {
      this.update = update;
    }
  }

  /** Telegram takes method names in any case (TelegramBots sends {@code getme}); calls are recorded by these. */
  private static final Map<String, String> METHODS = java.util.stream.Stream.of("getMe", "deleteWebhook",
      "getUpdates", "sendMessage", "sendDocument", "editMessageText", "setMessageReaction", "sendChatAction",
      "answerCallbackQuery", "setMyCommands").collect(java.util.stream.Collectors.toMap(
          m -> m.toLowerCase(java.util.Locale.ROOT), m -> m));

  public final FakeChats chats = new FakeChats();
  private final HttpServer server;
  private final Map<String, HttpServer> nodeServers = new ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<Call> received = new CopyOnWriteArrayList<>();
  private final HeldCalls held = new HeldCalls();
  private final Deque<Pending> updates = new ConcurrentLinkedDeque<>();
  private final Map<Long, Long> delivered = new ConcurrentHashMap<>();
  private final Map<String, Deque<Fault>> faults = new ConcurrentHashMap<>();
  private final Map<String, Boolean> openCallbacks = new ConcurrentHashMap<>();
  private final Object news = new Object();
  private long nextUpdateId = 700_000;
  private volatile long stormUntilNanos;

  private FakeBotApi(HttpServer server) {
    this.server = server;
  }

  public static FakeBotApi start() throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
    FakeBotApi api = new FakeBotApi(s);
    s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    s.createContext("/", ex -> api.serve(ex, null));
    s.start();
    return api;
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The URL for the bot of {@code node}: the same chats and updates, on a port that names the node in its calls. */
  public synchronized URI url(String node) throws IOException {
    HttpServer s = nodeServers.get(node);
    if (s == null) {
      s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
      s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      s.createContext("/", ex -> serve(ex, node));
      s.start();
      nodeServers.put(node, s);
    }
    return URI.create("http://127.0.0.1:" + s.getAddress().getPort());
  }

  // ---- what users do

  /** A user writes in a private chat (chat id = user id); returns the message's id. */
  public int say(long userId, String text) {
    return say(userId, userId, null, null, text);
  }

  /** A user writes in a chat, in a forum topic or not, maybe replying to a message. */
  public int say(long chatId, long userId, Integer threadId, Integer replyTo, String text) {
    Msg m = chats.add(chatId, threadId, false, userId, replyTo, text);
    ObjectNode json = m.json(chats.type(chatId), BOT_ID);
    if (replyTo != null) {
      Msg original = chats.find(chatId, replyTo);
      if (original != null) json.set("reply_to_message", original.json(chats.type(chatId), BOT_ID));
    }
    post("message", json);
    return m.id;
  }

  /** Makes a chat a group ({@code "group"}, {@code "supergroup"}). */
  public void chatType(long chatId, String type) {
    chats.type(chatId, type);
  }

  /** A user presses the button with {@code data} under the bot's message. */
  public void press(long chatId, long userId, int messageId, String data) {
    String id = "cb-" + System.nanoTime();
    openCallbacks.put(id, true);
    ObjectNode q = JSON.createObjectNode();
    q.put("id", id);
    q.putObject("from").put("id", userId).put("is_bot", false).put("first_name", "User " + userId);
    q.put("chat_instance", "ci-" + chatId);
    q.put("data", data);
    q.set("message", chats.find(chatId, messageId).json(chats.type(chatId), BOT_ID));
    post("callback_query", q);
  }

  public void deleteMessage(long chatId, int messageId) {
    chats.find(chatId, messageId).deleted = true;
  }

  private void post(String type, ObjectNode payload) {
    synchronized (news) {
      ObjectNode u = JSON.createObjectNode();
      u.put("update_id", nextUpdateId++);
      u.set(type, payload);
      u.put("some_future_field", "ignored by clients"); // Telegram adds fields over time
      updates.add(new Pending(u));
      news.notifyAll();
    }
  }

  // ---- faults

  /** The next {@code times} calls of {@code method} fail with this status and description. */
  public void failNext(String method, int times, int code, String description) {
    for (int i = 0; i < times; i++) faults(method).add(new Fault(code, description, null, null, false));
  }

  /**
   * The next {@code times} calls of {@code method} are answered only after {@code stall} (longer
   * than the client waits); with {@code applied} the call takes effect first, as when the answer
   * is lost on the way back.
   */
  public void stallNext(String method, int times, Duration stall, boolean applied) {
    for (int i = 0; i < times; i++) faults(method).add(new Fault(0, null, null, stall, applied));
  }

  /**
   * For {@code length}, every call but {@code getUpdates} is answered 429 with a {@code retry_after}
   * of the seconds left (at least 1), as Telegram does while a bot is over its limits.
   */
  public void storm(Duration length) {
    stormUntilNanos = System.nanoTime() + length.toNanos();
  }

  /**
   * From now on every {@code sendMessage} is held in flight, unanswered and without effect, until
   * {@link #releaseHeld} decides it: as a send a node is in the middle of.
   */
  public void holdSends() {
    hold("sendMessage", node -> true);
  }

  /** From now on the calls of {@code method} from the nodes {@code from} accepts are held, as {@link #holdSends}. */
  public void hold(String method, Predicate<String> from) {
    held.hold(c -> c.method().equals(method) && from.test(c.node()));
  }

  /** The calls held in flight now. */
  public List<Call> held() {
    return held.held();
  }

  /**
   * Stops holding calls; the held calls of the nodes {@code reaches} accepts take effect and are
   * answered, the others are dropped (no effect, the connection closed without an answer), as the
   * send of a node that died before Telegram took it.
   */
  public void releaseHeld(Predicate<String> reaches) {
    held.release(reaches);
  }

  private Deque<Fault> faults(String method) {
    return faults.computeIfAbsent(method, k -> new ConcurrentLinkedDeque<>());
  }

  // ---- what the bot did

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> calls(String method) {
    return calls.stream().filter(c -> c.method.equals(method)).toList();
  }

  /** The calls of {@code method} as they arrived, answered or not yet (status -1). */
  public List<Call> received(String method) {
    return received.stream().filter(c -> c.method.equals(method)).toList();
  }

  /** When the update of a user's message was first handed to the bot, or 0. */
  public long deliveredAtNanos(long chatId, int messageId) {
    return delivered.getOrDefault(chatId * 1_000_000 + messageId, 0L);
  }

  /** The updates waiting to be fetched, as JSON. */
  public List<JsonNode> pendingUpdates() {
    return updates.stream().map(u -> (JsonNode) u.update).toList();
  }

  /** Drops every waiting update, as Telegram does once a {@code getUpdates} asked past them. */
  public void forgetUpdates() {
    updates.clear();
  }

  /** Updates not yet confirmed by a later {@code getUpdates} offset. */
  public int unconfirmed() {
    return updates.size();
  }

  // ---- the HTTP side

  private void serve(HttpExchange ex, String node) throws IOException {
    try (ex) {
      String[] path = ex.getRequestURI().getPath().split("/");
      if (path.length != 3 || !path[1].equals("bot" + TOKEN)) {
        answer(ex, 401, error(401, "Unauthorized", null));
        return;
      }
      String method = METHODS.getOrDefault(path[2].toLowerCase(java.util.Locale.ROOT), path[2]);
      byte[] body = ex.getRequestBody().readAllBytes();
      String type = ex.getRequestHeaders().getFirst("Content-Type");
      JsonNode params = type != null && type.startsWith("multipart/") ? Multipart.params(type, body)
          : body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
      long at = System.nanoTime();
      Call arrived = new Call(method, params, at, -1, node);
      received.add(arrived);
      if (!held.pass(arrived)) {
        calls.add(new Call(method, params, at, 0, node));
        return; // dropped: the connection closes without an answer
      }
      Fault fault = method.equals("getUpdates") ? null : nextFault(method, at);
      if (fault != null && fault.stall != null) {
        if (fault.applyFirst) {
          try {
            handle(method, params);
          } catch (BadRequest ignored) {
            // lost with the answer
          }
        }
        sleep(fault.stall);
        calls.add(new Call(method, params, at, 0, node));
        return; // the client gave up long ago; the connection closes without an answer
      }
      if (fault != null) {
        calls.add(new Call(method, params, at, fault.code, node));
        answer(ex, fault.code, error(fault.code, fault.description, fault.retryAfter));
        return;
      }
      ObjectNode reply;
      try {
        JsonNode result = handle(method, params);
        reply = JSON.createObjectNode().put("ok", true);
        reply.set("result", result);
      } catch (BadRequest e) {
        reply = error(e.code, e.getMessage(), null);
      }
      int status = reply.path("ok").asBoolean() ? 200 : reply.path("error_code").asInt();
      calls.add(new Call(method, params, at, status, node));
      answer(ex, status, reply);
    }
  }

  private Fault nextFault(String method, long now) {
    long left = stormUntilNanos - now;
    if (left > 0) {
      int seconds = (int) Math.max(1, Math.ceil(left / 1e9));
      return new Fault(429, "Too Many Requests: retry after " + seconds, seconds, null, false);
    }
    Deque<Fault> q = faults.get(method);
    return q == null ? null : q.pollFirst();
  }

  static final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;
    final int code;

    BadRequest(int code, String description) {
      super(description);
      this.code = code;
    }
  }

  private JsonNode handle(String method, JsonNode p) throws BadRequest {
    return switch (method) {
      case "getMe" -> JSON.createObjectNode().put("id", BOT_ID).put("is_bot", true).put("first_name", "Tasklane")
          .put("username", BOT_USERNAME);
      case "deleteWebhook", "setMyCommands", "sendChatAction" -> JSON.getNodeFactory().booleanNode(true);
      case "getUpdates" -> getUpdates(p);
      case "sendMessage" -> send(p, p.path("text").asText(""), null);
      case "sendDocument" -> send(p, p.path("caption").asText(""), p.path("document"));
      case "editMessageText" -> edit(p);
      case "setMessageReaction" -> {
        if (chats.find(p.path("chat_id").asLong(), p.path("message_id").asInt()) == null) {
          throw new BadRequest(400, "Bad Request: message to react not found");
        }
        yield JSON.getNodeFactory().booleanNode(true);
      }
      case "answerCallbackQuery" -> {
        if (openCallbacks.remove(p.path("callback_query_id").asText()) == null) {
          throw new BadRequest(400, "Bad Request: query is too old and response timeout expired or query ID is invalid");
        }
        yield JSON.getNodeFactory().booleanNode(true);
      }
      default -> throw new BadRequest(404, "Not Found: " + method);
    };
  }

  private JsonNode getUpdates(JsonNode p) {
    long offset = p.path("offset").asLong(0);
    int limit = p.path("limit").asInt(100);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(p.path("timeout").asInt(0));
    synchronized (news) {
      if (offset > 0) updates.removeIf(u -> u.update.path("update_id").asLong() < offset); // confirmed
      while (updates.isEmpty() && System.nanoTime() < deadline) {
        try {
          news.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      List<ObjectNode> out = new ArrayList<>();
      long now = System.nanoTime();
      for (Pending u : updates) {
        if (out.size() == limit) break;
        if (u.deliveredAtNanos == 0) {
          u.deliveredAtNanos = now;
          JsonNode m = u.update.path("message");
          if (!m.isMissingNode()) delivered.putIfAbsent(m.path("chat").path("id").asLong() * 1_000_000
              + m.path("message_id").asInt(), now);
        }
        out.add(u.update);
      }
      return JSON.valueToTree(out);
    }
  }

  private JsonNode send(JsonNode p, String text, JsonNode document) throws BadRequest {
    long chatId = p.path("chat_id").asLong();
    if (text.isEmpty() && document == null) throw new BadRequest(400, "Bad Request: message text is empty");
    if (document == null && text.length() > 4096) throw new BadRequest(400, "Bad Request: message is too long");
    if (p.hasNonNull("parse_mode")) throw new BadRequest(400, "Bad Request: can't parse entities");
    if (document == null) checkEntities(text, p.path("entities"));
    Integer replyTo = null;
    JsonNode rp = p.path("reply_parameters");
    if (rp.hasNonNull("message_id")) {
      replyTo = rp.path("message_id").asInt();
      if (chats.find(chatId, replyTo) == null) {
        if (!rp.path("allow_sending_without_reply").asBoolean(false)) {
          throw new BadRequest(400, "Bad Request: message to be replied not found");
        }
        replyTo = null;
      }
    }
    Integer thread = p.hasNonNull("message_thread_id") ? p.path("message_thread_id").asInt() : null;
    Msg m = chats.add(chatId, thread, true, null, replyTo, text);
    if (p.hasNonNull("reply_markup")) m.markup = p.path("reply_markup");
    m.entities = p.path("entities").isArray() ? p.path("entities") : JSON.createArrayNode();
    if (document != null) {
      m.documentName = document.path("file_name").asText();
      m.documentContent = document.path("content").asText();
    }
    return m.json(chats.type(chatId), BOT_ID);
  }

  private static final Set<String> ENTITY_TYPES = Set.of("bold", "italic", "underline", "strikethrough", "spoiler",
      "code", "pre", "text_link", "blockquote", "expandable_blockquote", "url");
  private static final Set<String> CODE = Set.of("code", "pre");

  /**
   * Telegram's rules for the entities of a text: known types, within the text (offsets in UTF-16
   * code units, as Java's strings), not empty, links to a web address, nothing inside code and code
   * inside nothing but a quote, no quote in a quote, and no two that overlap without one containing
   * the other.
   */
  static void checkEntities(String text, JsonNode entities) throws BadRequest {
    if (entities.isMissingNode() || entities.isNull()) return;
    List<JsonNode> all = new ArrayList<>();
    entities.forEach(all::add);
    for (JsonNode e : all) {
      int offset = e.path("offset").asInt(-1);
      int length = e.path("length").asInt(0);
      String type = e.path("type").asText();
      if (!ENTITY_TYPES.contains(type) || offset < 0 || length <= 0 || offset + length > text.length()
          || (type.equals("text_link") && !e.path("url").asText().matches("(?i)https?://[^/?#\\s]+\\S*"))) {
        throw new BadRequest(400, "Bad Request: can't parse entities: wrong entity " + e);
      }
    }
    for (JsonNode a : all) {
      for (JsonNode b : all) {
        int as = a.path("offset").asInt(), ae = as + a.path("length").asInt();
        int bs = b.path("offset").asInt(), be = bs + b.path("length").asInt();
        if (a == b || ae <= bs || be <= as) continue; // the same one, or apart
        String at = a.path("type").asText(), bt = b.path("type").asText();
        // Of two entities over the same text, code is the inner one (Telegram orders them so).
        boolean aHoldsB = as <= bs && be <= ae && !(as == bs && ae == be && CODE.contains(at) && !CODE.contains(bt));
        boolean bHoldsA = bs <= as && ae <= be;
        boolean aQuote = at.endsWith("blockquote");
        if ((!aHoldsB && !bHoldsA) || (aHoldsB && (CODE.contains(at) || (aQuote && bt.endsWith("blockquote"))
            || (CODE.contains(bt) && !aQuote)))) {
          throw new BadRequest(400, "Bad Request: can't parse entities: " + a + " and " + b);
        }
      }
    }
  }

  private JsonNode edit(JsonNode p) throws BadRequest {
    long chatId = p.path("chat_id").asLong();
    Msg m = chats.find(chatId, p.path("message_id").asInt());
    if (m == null || !m.fromBot) throw new BadRequest(400, "Bad Request: message to edit not found");
    String text = p.path("text").asText("");
    if (text.isEmpty()) throw new BadRequest(400, "Bad Request: message text is empty");
    if (text.length() > 4096) throw new BadRequest(400, "Bad Request: MESSAGE_TOO_LONG");
    JsonNode markup = p.hasNonNull("reply_markup") ? p.path("reply_markup") : null;
    synchronized (m) {
      if (text.equals(m.text()) && java.util.Objects.equals(markup, m.markup)) {
        throw new BadRequest(400, "Bad Request: message is not modified: specified new message content and reply"
            + " markup are exactly the same as a current content and reply markup of the message");
      }
      m.texts.add(text);
      m.editedAtNanos.add(System.nanoTime());
      m.markup = markup;
    }
    return m.json(chats.type(chatId), BOT_ID);
  }

  private static ObjectNode error(int code, String description, Integer retryAfter) {
    ObjectNode e = JSON.createObjectNode().put("ok", false).put("error_code", code).put("description", description);
    if (retryAfter != null) e.putObject("parameters").put("retry_after", retryAfter);
    return e;
  }

  private static void answer(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    releaseHeld(node -> false);
    synchronized (news) {
      news.notifyAll();
    }
    server.stop(0);
    nodeServers.values().forEach(s -> s.stop(0));
  }
}
