package dev.tasklane.gateway;

import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.gateway.api.TaskApi;
import dev.tasklane.gateway.http.HttpJson;
import dev.tasklane.gateway.http.TaskEventStream;
import dev.tasklane.gateway.http.TaskRoutes;
import dev.tasklane.gateway.ops.GatewayMetrics;
import dev.tasklane.gateway.ops.Health;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP and WebSocket server: {@code /ws}, {@code /v1/tasks}, {@code /metrics}, {@code /healthz}
 * and the web chat at {@code /}. Every handler does bounded work against the lane and returns; agent
 * work only ever runs on the lane's workers.
 */
public final class GatewayServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

  /** Frames queued for one slow WebSocket client before it is disconnected (it then resumes). */
  static final int MAX_QUEUED_FRAMES = 10_000;

  private final Javalin app;
  private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("tasklane-gateway-timer").factory());
  private volatile boolean accepting = true;

  private GatewayServer(Gateway parts) {
    GatewayMetrics metrics = new GatewayMetrics(parts.lane(), parts.clock());
    TaskApi api = new TaskApi(parts.lane(), metrics);
    Map<String, WsMethod> methods = new HashMap<>();
    new TaskMethods(api, metrics).register(methods);
    if (parts.chat() != null) new ChatMethods(parts.chat(), parts.web()).register(methods);
    GatewayConfig config = parts.config();
    WsEndpoint ws = new WsEndpoint(parts.tokens(), config, metrics, methods, parts.clock(), requests);
    TaskRoutes tasks = new TaskRoutes(api, parts.tokens(), config, parts.clock(),
        new TaskEventStream(api, metrics, timer));
    Health health = new Health(parts.lane(), () -> accepting && parts.lane().isRunning());
    app = Javalin.create(cfg -> configure(cfg, config, ws, tasks, health, metrics));
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
    WarmUp.run(parts.lane(), parts.config().host(), s.port());
    log.info("listening on http://{}:{}", parts.config().host(), s.port());
    return s;
  }

  private static void configure(JavalinConfig cfg, GatewayConfig config, WsEndpoint ws, TaskRoutes tasks,
      Health health, GatewayMetrics metrics) {
    cfg.startup.showJavalinBanner = false;
    cfg.startup.showOldJavalinVersionWarning = false;
    cfg.concurrency.useVirtualThreads = true;
    cfg.http.maxRequestSize = config.maxFrameBytes();
    cfg.staticFiles.add("/web", Location.CLASSPATH);
    cfg.jetty.modifyWebSocketServletFactory(f -> {
      f.setMaxTextMessageSize(config.maxFrameBytes());
      f.setIdleTimeout(Duration.ofMinutes(2));
      f.setMaxOutgoingFrames(MAX_QUEUED_FRAMES); // a client that falls this far behind is disconnected
    });
    var routes = cfg.routes;
    routes.exception(LaneException.class, (e, ctx) -> HttpJson.error(ctx, e.code(), e.getMessage()));
    routes.exception(HttpResponseException.class,
        (e, ctx) -> HttpJson.error(ctx, HttpJson.codeFor(e.getStatus()), e.getMessage()));
    routes.exception(Exception.class, (e, ctx) -> {
      log.warn("{} {} failed", ctx.method(), ctx.path(), e);
      HttpJson.error(ctx, ErrorCode.INTERNAL, "internal error");
    });
    routes.get("/healthz", ctx -> {
      var report = health.check();
      HttpJson.ok(ctx, report.get("ok").asBoolean() ? 200 : 503, report);
    });
    routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    ws.install(routes);
    tasks.install(routes);
  }

  /** The port it listens on (the real one when started on port 0). */
  public int port() {
    return app.port();
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
