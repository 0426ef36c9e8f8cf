package dev.tasklane.app;

import dev.tasklane.agents.Agents;
import dev.tasklane.agents.profile.AgentsConfig;
import dev.tasklane.chat.access.AccessPolicy;
import dev.tasklane.chat.ChatConfig;
import dev.tasklane.chat.ChatService;
import dev.tasklane.core.Lane;
import dev.tasklane.gateway.Gateway;
import dev.tasklane.gateway.GatewayServer;
import dev.tasklane.gateway.auth.AccessToken;
import dev.tasklane.gateway.auth.TokenRegistry;
import dev.tasklane.gateway.webchat.WebChannel;
import dev.tasklane.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Tasklane server: the lane on its database (SQLite in the data folder, or PostgreSQL),
 * the chat flow with the web channel, and the gateway in front of them.
 */
final class Server implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Server.class);
  static final String TOKENS_FILE = "tokens";

  private final ServeOptions options;
  private final AdminToken adminToken;
  private final Lane lane;
  private final ChatService chat;
  private final GatewayServer gateway;
  private boolean closed;

  private Server(ServeOptions options, AdminToken adminToken, Lane lane, ChatService chat, GatewayServer gateway) {
    this.options = options;
    this.adminToken = adminToken;
    this.lane = lane;
    this.chat = chat;
    this.gateway = gateway;
  }

  static Server start(ServeOptions o) throws IOException {
    PrivateFiles.createFolder(o.dataDir());
    AdminToken admin = AdminToken.resolve(o.envToken(), o.dataDir());
    AccessPolicy access = access(o);
    TokenRegistry tokens = tokens(o, admin, access);
    Clock clock = Clock.systemUTC();
    Database db = DatabaseUrl.open(o.databaseUrl(), o.dataDir());
    AtomicReference<ChatService> chatRef = new AtomicReference<>();
    Agents agents;
    Lane lane;
    try {
      agents = Agents.load(o.dataDir(), o.configFile(), System.getenv(), db, clock);
      lane = Handlers.register(Lane.builder().database(db).clock(clock), agents,
          new TranscriptConversation(chatRef::get)).start();
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    ChatService chat = null;
    try {
      WebChannel web = new WebChannel();
      chat = new ChatService(lane, ChatConfig.defaults(), clock);
      chatRef.set(chat);
      chat.addChannel(web);
      chat.setAccess(WebChannel.senderGrants(tokens, access::chatUser));
      chat.setAgentRouter(agents.router()::taskFor);
      chat.addCommand("/agent", call -> agents.router().agentCommand(call.sessionKey(), call.args(),
          call.grants()::mayUseProfile));
      chat.start();
      GatewayServer gateway = GatewayServer.start(new Gateway(lane, chat, web, tokens, o.gateway(), clock));
      return new Server(o, admin, lane, chat, gateway);
    } catch (RuntimeException e) {
      if (chat != null) chat.close();
      lane.close();
      throw e;
    }
  }

  /** The {@code "access"} section of the configuration file (docs/SECURITY.md). */
  private static AccessPolicy access(ServeOptions o) {
    Optional<Path> file = AgentsConfig.locate(o.dataDir(), o.configFile());
    return AccessPolicy.fromTree(file.map(AgentsConfig::read).orElse(null), o.dataDir().toAbsolutePath(),
        file.map(Path::toString).orElse("the configuration"));
  }

  private static TokenRegistry tokens(ServeOptions o, AdminToken admin, AccessPolicy access) throws IOException {
    TokenRegistry tokens = new TokenRegistry();
    Path file = o.tokensFile() != null ? o.tokensFile() : o.dataDir().resolve(TOKENS_FILE);
    if (o.tokensFile() != null || Files.exists(file)) {
      PrivateFiles.requirePrivate(file, "the tokens file");
      tokens.load(file, access);
    }
    return tokens.add(admin.secret(), AccessToken.admin("admin"));
  }

  int port() {
    return gateway.port();
  }

  AdminToken adminToken() {
    return adminToken;
  }

  String baseUrl() {
    String host = options.gateway().host();
    if (host.contains(":")) host = "[" + host + "]";
    return "http://" + host + ":" + port();
  }

  /**
   * Stops accepting connections, lets running tasks finish for the grace period, then hands the rest
   * back to the queue for the next start, and closes the database.
   */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    log.info("shutting down: running tasks get up to {} s to finish", options.shutdownGrace().toSeconds());
    gateway.close();
    chat.close();
    lane.shutdown(options.shutdownGrace());
    lane.close();
    log.info("stopped");
  }
}
