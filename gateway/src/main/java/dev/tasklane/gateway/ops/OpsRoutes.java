package dev.tasklane.gateway.ops;

import dev.tasklane.gateway.http.HttpJson;
import io.javalin.config.RoutesConfig;

/** {@code GET /healthz} and {@code GET /metrics}: on the API's port, or alone on a worker's admin port. */
public final class OpsRoutes {
  private final Health health;
  private final GatewayMetrics metrics;

  public OpsRoutes(Health health, GatewayMetrics metrics) {
    this.health = health;
    this.metrics = metrics;
  }

  public void install(RoutesConfig routes) {
    routes.get("/healthz", ctx -> {
      var report = health.check();
      HttpJson.ok(ctx, report.get("ok").asBoolean() ? 200 : 503, report);
    });
    routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
  }
}
