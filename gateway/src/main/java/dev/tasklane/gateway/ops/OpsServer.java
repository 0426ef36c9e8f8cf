package dev.tasklane.gateway.ops;

import dev.tasklane.engine.Lane;
import dev.tasklane.gateway.http.JsonErrorHandler;
import io.javalin.Javalin;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin port of a node that serves no API ({@code tasklane worker}): {@code /healthz} and
 * {@code /metrics}, nothing else, so that a load balancer or Prometheus can watch it.
 */
public final class OpsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpsServer.class);

  private final Javalin app;
  private final GatewayMetrics metrics;
  private volatile boolean accepting = true;

  private OpsServer(Lane lane, Clock clock) {
    this.metrics = new GatewayMetrics(lane, clock);
    OpsRoutes ops = new OpsRoutes(new Health(lane, () -> accepting && lane.isRunning(), metrics.cluster()), metrics);
    this.app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.startup.showOldJavalinVersionWarning = false;
      cfg.concurrency.useVirtualThreads = true;
      cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
      cfg.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JsonErrorHandler()));
      ops.install(cfg.routes);
    });
  }

  /** Starts serving {@code /healthz} and {@code /metrics} of {@code lane} on {@code host:port}. */
  public static OpsServer start(Lane lane, String host, int port, Clock clock) {
    OpsServer s = new OpsServer(lane, clock);
    try {
      s.app.start(host, port);
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    log.info("health and metrics on http://{}:{}", host, s.port());
    return s;
  }

  public int port() {
    return app.port();
  }

  /** The registry behind {@code /metrics}: other parts of the node (the Telegram bot) add their meters here. */
  public MeterRegistry meterRegistry() {
    return metrics.registry();
  }

  @Override
  public void close() {
    accepting = false;
    app.stop();
  }
}
