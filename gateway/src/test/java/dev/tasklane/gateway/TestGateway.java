package dev.tasklane.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.attachments.AttachmentLimits;
import dev.tasklane.attachments.AttachmentStore;
import dev.tasklane.chat.ChatConfig;
import dev.tasklane.chat.ChatService;
import dev.tasklane.chat.access.Grants;
import dev.tasklane.core.LaneConfig;
import dev.tasklane.engine.Lane;
import dev.tasklane.gateway.api.Json;
import dev.tasklane.gateway.auth.AccessToken;
import dev.tasklane.gateway.auth.TokenRegistry;
import dev.tasklane.gateway.webchat.WebChannel;
import dev.tasklane.store.Database;
import dev.tasklane.store.sqlite.SqliteDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A real lane on a real SQLite file behind a real gateway on a free port, with four tokens: the
 * admin, alice and bob (scoped, granted the test kinds), and carol (scoped, a plain {@code user}).
 */
final class TestGateway implements AutoCloseable {
  static final String ADMIN = "admin-secret";
  static final String ALICE = "alice-secret";
  static final String BOB = "bob-secret";
  static final String CAROL = "carol-secret";
  /** What alice and bob may do: submit the test handlers' kinds directly. */
  static final Grants TESTER = new Grants("tester", false, Set.of("echo", "sleep", "fail", "files"), false, Set.of(Grants.ALL),
      false, List.of());

  /** Attachments of tests are small: the file limit is met without writing megabytes. */
  static final AttachmentLimits FILE_LIMITS = AttachmentLimits.defaults().withMaxFileBytes(64 * 1024);

  final Lane lane;
  final ChatService chat;
  /** The tokens it accepts; a test may add more. */
  final TokenRegistry tokens;
  final AttachmentStore files;
  final HttpClient http = HttpClient.newHttpClient();
  private final Gateway parts;
  GatewayServer server;

  private TestGateway(Gateway parts, GatewayServer server) {
    this.parts = parts;
    this.lane = parts.lane();
    this.chat = parts.chat();
    this.tokens = parts.tokens();
    this.files = parts.attachments();
    this.server = server;
  }

  /** Tasks only. */
  static TestGateway start(Path dir, GatewayConfig config) {
    Database db = SqliteDatabase.open(dir.resolve("tasklane.db"));
    AttachmentStore files = AttachmentStore.open(db, dir.resolve("attachments"), FILE_LIMITS, Clock.systemUTC());
    Lane lane = lane(db, files);
    Gateway parts = new Gateway(lane, null, null, tokens(), config.withPort(0), Clock.systemUTC(), files);
    return new TestGateway(parts, GatewayServer.start(parts));
  }

  /** Tasks and the chat flow with the test agent of {@link ChatFixture}, on {@code port} (0 = any). */
  static TestGateway withChat(Path dir, GatewayConfig config, ChatConfig chatConfig) {
    Database db = SqliteDatabase.open(dir.resolve("tasklane.db"));
    AttachmentStore files = AttachmentStore.open(db, dir.resolve("attachments"), FILE_LIMITS, Clock.systemUTC());
    Lane lane = lane(db, files);
    WebChannel web = new WebChannel();
    TokenRegistry tokens = tokens();
    ChatService chat = ChatFixture.chat(lane, web, chatConfig);
    chat.setAccess(WebChannel.senderGrants(tokens, (channel, sender) -> Grants.USER));
    chat.setAttachments(files);
    Gateway parts = new Gateway(lane, chat, web, tokens, config, Clock.systemUTC(), files);
    return new TestGateway(parts, GatewayServer.start(parts));
  }

  private static Lane lane(Database db, AttachmentStore files) {
    return TestHandlers.register(Lane.builder(), files)
        .database(db)
        .config(LaneConfig.defaults().toBuilder().cancelGrace(Duration.ofMillis(500)).build())
        .start();
  }

  static TokenRegistry tokens() {
    return new TokenRegistry()
        .add(ADMIN, AccessToken.admin("admin"))
        .add(ALICE, new AccessToken("alice", List.of("web:alice"), TESTER))
        .add(BOB, new AccessToken("bob", List.of("web:bob", "telegram:bob"), TESTER))
        .add(CAROL, AccessToken.scoped("carol", List.of("web:carol")));
  }

  int port() {
    return server.port();
  }

  /** Stops the HTTP and WebSocket server only (the lane and chat keep running): the server is down. */
  void stopServer() {
    server.close();
  }

  /** Starts the server again on {@code port} (the one it had), as after a restart. */
  void startServer(int port) {
    server = GatewayServer.start(new Gateway(parts.lane(), parts.chat(), parts.web(), parts.tokens(),
        parts.config().withPort(port), parts.clock(), parts.attachments()));
  }

  WsClient ws(String token) {
    return WsClient.connect(port(), token);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
    return http.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String token, String body) throws IOException, InterruptedException {
    return http.send(request(path, token).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return b;
  }

  static JsonNode json(HttpResponse<String> r) {
    return Json.parse(r.body());
  }

  @Override
  public void close() {
    server.close();
    if (chat != null) chat.close();
    files.close();
    lane.close();
  }
}
