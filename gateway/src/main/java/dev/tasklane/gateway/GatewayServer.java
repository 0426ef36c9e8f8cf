package dev.tasklane.gateway;

import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.gateway.api.TaskApi;
import dev.tasklane.gateway.auth.Authenticator;
import dev.tasklane.gateway.auth.WarmUpPass;
import dev.tasklane.gateway.http.AttachmentRoutes;
import dev.tasklane.gateway.http.HttpJson;
import dev.tasklane.gateway.http.JsonErrorHandler;
import dev.tasklane.gateway.http.NoSessions;
import dev.tasklane.gateway.http.TaskEventStream;
import dev.tasklane.gateway.http.TaskRoutes;
import dev.tasklane.gateway.ops.GatewayMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import dev.tasklane.gateway.ops.Health;
import dev.tasklane.gateway.ops.OpsRoutes;
import dev.tasklane.gateway.ops.WarmUp;
import dev.tasklane.gateway.ws.ChatMethods;
import dev.tasklane.gateway.ws.TaskMethods;
import dev.tasklane.gateway.ws.WsEndpoint;
import dev.tasklane.gateway.ws.WsMethod;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.util.JavalinBindException;
import java.net.BindException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.session.DefaultSessionCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP and WebSocket server: {@code /ws}, {@code /v1/tasks}, {@code /metrics}, {@code /healthz}
 * and the web chat at {@code /}. Every handler does bounded work against the lane and returns; agent
 * work only ever runs on the lane's workers.
 */
public final class GatewayServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

  private final Javalin app;
  private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("tasklane-gateway-timer").factory());
  private volatile boolean accepting = true;
  private final GatewayMetrics metrics;
  private final WarmUpPass warmUp;

  private GatewayServer(Gateway parts) {
    GatewayMetrics metrics = new GatewayMetrics(parts.lane(), parts.clock());
    this.metrics = metrics;
    TaskApi api = new TaskApi(parts.lane(), metrics, parts.attachments());
    Map<String, WsMethod> methods = new HashMap<>();
    new TaskMethods(api, metrics).register(methods);
    if (parts.chat() != null) new ChatMethods(parts.chat(), parts.web(), parts.attachments()).register(methods);
    GatewayConfig config = parts.config();
    Authenticator authenticator = new Authenticator(parts.tokens(), config.authFailuresPerMinute(), parts.clock());
    this.warmUp = authenticator.warmUp();
    WsEndpoint ws = new WsEndpoint(authenticator, config, metrics, methods, parts.clock(),
        new WsEndpoint.Threads(requests, timer));
    TaskRoutes tasks = new TaskRoutes(api, authenticator, config, parts.clock(),
        new TaskEventStream(api, metrics, timer));
    OpsRoutes ops = new OpsRoutes(new Health(parts.lane(), () -> accepting && parts.lane().isRunning(),
        metrics.cluster()), metrics);
    AttachmentRoutes files = new AttachmentRoutes(parts.attachments());
    app = Javalin.create(cfg -> configure(cfg, config, ws, tasks, ops, files));
  }

  /**
   * Starts a server on {@code parts.config()}'s host and port.
   *
   * @throws ListenException when it cannot listen there (the port is taken, the address is not this machine's)
   */
  public static GatewayServer start(Gateway parts) {
    GatewayServer s = new GatewayServer(parts);
    try {
      s.app.start(parts.config().host(), parts.config().port());
    } catch (RuntimeException e) {
      s.close(); // e.g. the port is taken: release the executors too
      if (e instanceof JavalinBindException || e.getCause() instanceof BindException) {
        throw new ListenException(parts.config().host(), parts.config().port(), e);
      }
      throw e;
    }
    WarmUp.run(parts.lane(), parts.config().host(), s.port(), s.warmUp);
    log.info("listening on http://{}:{}", parts.config().host(), s.port());
    return s;
  }

  private static void configure(JavalinConfig cfg, GatewayConfig config, WsEndpoint ws, TaskRoutes tasks,
      OpsRoutes ops, AttachmentRoutes files) {
    cfg.startup.showJavalinBanner = false;
    cfg.startup.showOldJavalinVersionWarning = false;
    cfg.concurrency.useVirtualThreads = true;
    cfg.http.maxRequestSize = config.maxFrameBytes();
    cfg.staticFiles.add("/web", Location.CLASSPATH);
    cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
    cfg.jetty.modifyServletContextHandler(context -> {
      NoSessions.configure(context.getSessionHandler());
      context.setErrorHandler(new JsonErrorHandler());
    });
    cfg.jetty.modifyWebSocketServletFactory(f -> {
      f.setMaxTextMessageSize(config.maxFrameBytes());
      f.setMaxBinaryMessageSize(config.maxFrameBytes()); // answered with bad_request, as text ones are read
      f.setIdleTimeout(Duration.ofMinutes(2));
      // A backstop: the endpoint's own send budget closes a connection before its frames reach this.
      f.setMaxOutgoingFrames(2 * WsEndpoint.MAX_QUEUED_FRAMES);
    });
    var routes = cfg.routes;
    routes.exception(LaneException.class, (e, ctx) -> HttpJson.error(ctx, e));
    routes.exception(HttpResponseException.class,
        (e, ctx) -> HttpJson.error(ctx, HttpJson.codeFor(e.getStatus()), e.getMessage()));
    routes.exception(Exception.class, (e, ctx) -> {
      log.warn("{} {} failed", ctx.method(), ctx.path(), e);
      HttpJson.error(ctx, ErrorCode.INTERNAL, "internal error");
    });
    ops.install(routes);
    ws.install(routes);
    tasks.install(routes);
    files.install(routes);
  }

  /** The registry behind {@code /metrics}: other parts of the server (the Telegram bot) add their meters here. */
  public MeterRegistry meterRegistry() {
    return metrics.registry();
  }

  /** The port it listens on (the real one when started on port 0). */
  public int port() {
    return app.port();
  }

  /** HTTP sessions the server holds in memory (for tests: the API keeps none). */
  long liveHttpSessions() {
    ServletContextHandler context = app.jettyServer().server().getDescendant(ServletContextHandler.class);
    return context.getSessionHandler().getSessionCache() instanceof DefaultSessionCache cache
        ? cache.getSessionsCurrent() : 0;
  }

  /** Stops accepting connections and closes open ones; the lane is left to its owner. */
  @Override
  public void close() {
    accepting = false;
    app.stop();
    requests.shutdown();
    timer.shutdownNow();
  }
}
