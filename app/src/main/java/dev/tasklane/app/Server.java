package dev.tasklane.app;

import dev.tasklane.agents.Agents;
import dev.tasklane.attachments.AttachmentLimits;
import dev.tasklane.attachments.AttachmentStore;
import dev.tasklane.agents.profile.ProfileRouter;
import dev.tasklane.agents.profile.AgentsConfig;
import dev.tasklane.chat.access.AccessPolicy;
import dev.tasklane.chat.ChatConfig;
import dev.tasklane.chat.ChatService;
import dev.tasklane.engine.Lane;
import dev.tasklane.gateway.Gateway;
import dev.tasklane.gateway.GatewayServer;
import dev.tasklane.gateway.auth.AccessToken;
import dev.tasklane.gateway.auth.TokenRegistry;
import dev.tasklane.gateway.webchat.WebChannel;
import dev.tasklane.store.Database;
import dev.tasklane.telegram.TelegramBot;
import dev.tasklane.telegram.TelegramConfig;
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
 * attachments in the data folder, the chat flow with the web channel (and the Telegram bot when a
 * token is set), and the gateway in front of them.
 */
final class Server implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Server.class);
  static final String TOKENS_FILE = "tokens";
  static final String ATTACHMENTS_FOLDER = "attachments";

  private final ServeOptions options;
  private final AdminToken adminToken;
  private final Lane lane;
  private final ChatService chat;
  private final GatewayServer gateway;
  private final AttachmentStore files;
  private final Telegram telegram;
  private boolean closed;

  /** The Telegram bot and its settings, when one is configured. */
  private record Telegram(TelegramBot bot, TelegramConfig config) {}

  private Server(ServeOptions options, AdminToken adminToken, Lane lane, ChatService chat, GatewayServer gateway,
      AttachmentStore files, Telegram telegram) {
    this.options = options;
    this.adminToken = adminToken;
    this.lane = lane;
    this.chat = chat;
    this.gateway = gateway;
    this.files = files;
    this.telegram = telegram;
  }

  static Server start(ServeOptions o) throws IOException {
    PrivateFiles.createFolder(o.dataDir());
    AdminToken admin = AdminToken.resolve(o.envToken(), o.dataDir());
    AccessPolicy access = access(o);
    TokenRegistry tokens = tokens(o, admin, access);
    Clock clock = Clock.systemUTC();
    Optional<TelegramConfig> telegramConfig = TelegramSettings.resolve(o.telegramToken(), System.getenv(), o.dataDir(),
        o.configFile());
    Database db = DatabaseUrl.open(o.databaseUrl(), o.dataDir());
    AtomicReference<ChatService> chatRef = new AtomicReference<>();
    Agents agents;
    Lane lane;
    AttachmentStore files;
    try {
      agents = Agents.load(o.dataDir(), o.configFile(), System.getenv(), db, clock);
      files = AttachmentStore.open(db, o.dataDir().resolve(ATTACHMENTS_FOLDER), AttachmentLimits.defaults(), clock);
      lane = Handlers.register(Lane.builder().database(db).clock(clock), agents,
          new TranscriptConversation(chatRef::get), files).start();
      files.start(); // its purge reads the lane's tasks: after the lane's migration
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
      chat.setAttachments(files);
      chat.addCommand("/agent", ProfileRouter.AGENT_COMMAND_HELP, call -> agents.router().agentCommand(
          call.sessionKey(), call.args(), call.grants()::mayUseProfile));
      chat.start();
      GatewayServer gateway = GatewayServer.start(new Gateway(lane, chat, web, tokens, o.gateway(), clock, files));
      Telegram telegram = null;
      if (telegramConfig.isPresent()) {
        telegram = new Telegram(TelegramBot.start(lane, chat, telegramConfig.get(), gateway.meterRegistry(), clock),
            telegramConfig.get());
      }
      return new Server(o, admin, lane, chat, gateway, files, telegram);
    } catch (RuntimeException e) {
      if (chat != null) chat.close();
      files.close();
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

  /** The Telegram bot's settings, when it runs. */
  Optional<TelegramConfig> telegram() {
    return Optional.ofNullable(telegram).map(Telegram::config);
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
    if (telegram != null) telegram.bot().close();
    chat.close();
    files.close();
    lane.shutdown(options.shutdownGrace());
    lane.close();
    log.info("stopped");
  }
}
