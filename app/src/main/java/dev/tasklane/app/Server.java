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
import dev.tasklane.gateway.ops.OpsServer;
import dev.tasklane.gateway.webchat.WebChannel;
import dev.tasklane.store.Database;
import dev.tasklane.telegram.TelegramBot;
import dev.tasklane.telegram.TelegramConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Tasklane node: the lane on its database (SQLite in the data folder, or PostgreSQL),
 * attachments in the data folder, the chat flow with the web channel (and the Telegram bot when a
 * token is set), and the gateway in front of them; or, for a worker, only {@code /healthz} and
 * {@code /metrics} on its admin port.
 */
final class Server implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Server.class);
  static final String TOKENS_FILE = "tokens";
  static final String ATTACHMENTS_FOLDER = "attachments";

  private final ServeOptions options;
  private final AdminToken adminToken;
  private final Lane lane;
  private final ChatService chat;
  private final Http http;
  private final AttachmentStore files;
  private final Telegram telegram;
  private boolean closed;

  /** The Telegram bot and its settings, when one is configured. */
  private record Telegram(TelegramBot bot, TelegramConfig config) {}

  /** What the node serves over HTTP: the API and web chat, or a worker's admin port. */
  private record Http(GatewayServer gateway, OpsServer ops) implements AutoCloseable {
    int port() {
      return gateway != null ? gateway.port() : ops.port();
    }

    MeterRegistry meterRegistry() {
      return gateway != null ? gateway.meterRegistry() : ops.meterRegistry();
    }

    @Override
    public void close() {
      if (gateway != null) gateway.close();
      if (ops != null) ops.close();
    }
  }

  private Server(ServeOptions options, AdminToken adminToken, Lane lane, ChatService chat, Http http,
      AttachmentStore files, Telegram telegram) {
    this.options = options;
    this.adminToken = adminToken;
    this.lane = lane;
    this.chat = chat;
    this.http = http;
    this.files = files;
    this.telegram = telegram;
  }

  static Server start(ServeOptions o) throws IOException {
    PrivateFiles.createFolder(o.dataDir());
    AccessPolicy access = access(o);
    ChatConfig chatConfig = ChatSettings.resolve(o.dataDir(), o.configFile());
    Clock clock = Clock.systemUTC();
    Optional<TelegramConfig> telegramConfig = TelegramSettings.resolve(o.telegramToken(), System.getenv(), o.dataDir(),
        o.configFile());
    Database db = DatabaseUrl.open(o.databaseUrl(), o.dataDir());
    AtomicReference<ChatService> chatRef = new AtomicReference<>();
    AdminToken admin;
    TokenRegistry tokens;
    Agents agents;
    Lane lane;
    AttachmentStore files;
    try {
      admin = AdminToken.resolve(o.envToken(), o.dataDir()).agreeWith(db, o.dataDir());
      tokens = tokens(o, admin, access);
      agents = Agents.load(o.dataDir(), o.configFile(), System.getenv(), db, clock);
      files = AttachmentStore.open(db, o.dataDir().resolve(ATTACHMENTS_FOLDER), AttachmentLimits.defaults(), clock);
      lane = Handlers.register(Lane.builder().database(db).config(o.lane()).clock(clock), agents,
          new TranscriptConversation(chatRef::get), files).start();
      files.start(); // its purge reads the lane's tasks: after the lane's migration
    } catch (RuntimeException | IOException e) {
      db.close();
      throw e;
    }
    ChatService chat = null;
    try {
      WebChannel web = new WebChannel();
      chat = new ChatService(lane, chatConfig, clock);
      chatRef.set(chat);
      chat.addChannel(web);
      chat.setAccess(WebChannel.senderGrants(tokens, access::chatUser));
      chat.setAgentRouter(agents.router()::taskFor);
      chat.setAttachments(files);
      chat.addCommand("/agent", ProfileRouter.AGENT_COMMAND_HELP, call -> agents.router().agentCommand(
          call.sessionKey(), call.args(), call.grants()::mayUseProfile));
      chat.start();
      Http http = o.api()
          ? new Http(GatewayServer.start(new Gateway(lane, chat, web, tokens, o.http(), clock, files)), null)
          : new Http(null, OpsServer.start(lane, o.http().host(), o.http().port(), clock));
      Telegram telegram = null;
      if (telegramConfig.isPresent()) {
        telegram = new Telegram(TelegramBot.start(lane, chat, telegramConfig.get(), http.meterRegistry(), clock),
            telegramConfig.get());
      }
      return new Server(o, admin, lane, chat, http, files, telegram);
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
    return http.port();
  }

  /** The Telegram bot's settings, when it runs. */
  Optional<TelegramConfig> telegram() {
    return Optional.ofNullable(telegram).map(Telegram::config);
  }

  AdminToken adminToken() {
    return adminToken;
  }

  /** This node in the banner: its id, and whether it runs tasks. */
  String nodeLine() {
    int workers = lane.config().concurrency();
    return "Node " + lane.config().nodeId() + ": " + (workers == 0 ? "runs no tasks (the other nodes run them)"
        : "runs up to " + workers + " tasks at once") + ", lease " + lane.config().leaseDuration().toSeconds() + " s";
  }

  /**
   * Prints the banner, then runs until SIGTERM or SIGINT, when the shutdown hook stops taking
   * connections, lets running tasks finish for the grace period, and closes the node.
   */
  static int runUntilStopped(Server server, PrintWriter out, Runnable banner) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    long grace = server.options.shutdownGrace().toSeconds();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      out.println("Stopping: no new connections; running tasks get " + grace + " s to finish.");
      out.flush();
      server.close();
      out.println("Tasklane stopped.");
      out.flush();
      stopped.countDown();
    }, "tasklane-shutdown"));
    banner.run();
    stopped.await();
    return 0;
  }

  String baseUrl() {
    String host = options.http().host();
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
    http.close();
    if (telegram != null) telegram.bot().close();
    chat.close();
    files.close();
    lane.shutdown(options.shutdownGrace());
    lane.close();
    log.info("stopped");
  }
}
