package dev.tasklane.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.gateway.GatewayConfig;
import dev.tasklane.gateway.api.Json;
import dev.tasklane.gateway.api.Params;
import dev.tasklane.gateway.api.RateLimiter;
import dev.tasklane.gateway.api.RetryLater;
import dev.tasklane.gateway.api.TaskApi;
import dev.tasklane.gateway.auth.AccessToken;
import dev.tasklane.gateway.auth.Authenticator;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@code /v1/tasks}: the HTTP mirror of the {@code task.*} methods, plus the SSE event stream. */
public final class TaskRoutes {
  static final String WHO = "tasklane.who";

  private final TaskApi api;
  private final Authenticator authenticator;
  private final GatewayConfig config;
  private final Clock clock;
  private final TaskEventStream events;
  private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();

  public TaskRoutes(TaskApi api, Authenticator authenticator, GatewayConfig config, Clock clock,
      TaskEventStream events) {
    this.api = api;
    this.authenticator = authenticator;
    this.config = config;
    this.clock = clock;
    this.events = events;
  }

  public void install(RoutesConfig routes) {
    routes.before("/v1/*", this::authenticate);
    routes.post("/v1/tasks", ctx -> {
      TaskApi.Created c = api.create(who(ctx), Params.of(body(ctx)), ctx.header("Idempotency-Key"));
      HttpJson.ok(ctx, c.created() ? 201 : 200, c.body());
    });
    routes.post("/v1/tasks/fan-out", ctx -> {
      TaskApi.Created c = api.fanOut(who(ctx), Params.of(body(ctx)), ctx.header("Idempotency-Key"));
      HttpJson.ok(ctx, c.created() ? 201 : 200, c.body());
    });
    routes.get("/v1/tasks", ctx -> HttpJson.ok(ctx, 200, api.list(who(ctx), Params.fromQuery(ctx.queryParamMap()))));
    routes.get("/v1/tasks/{id}", ctx -> HttpJson.ok(ctx, 200, api.status(who(ctx), ctx.pathParam("id"))));
    routes.post("/v1/tasks/{id}/cancel", ctx -> HttpJson.ok(ctx, 200, api.cancel(who(ctx), ctx.pathParam("id"))));
    routes.get("/v1/tasks/{id}/events", ctx -> events.open(ctx, who(ctx)));
  }

  private void authenticate(Context ctx) {
    AccessToken who = authenticator.authenticate(ctx.ip(), ctx.header("Authorization"), ctx.queryParam("token"));
    RateLimiter limiter = limiters.computeIfAbsent(who.name(),
        n -> new RateLimiter(config.ratePerSecond(), config.rateBurst(), clock));
    if (!limiter.tryAcquire()) throw new RetryLater("too many requests for this token", limiter.retryAfter());
    ctx.attribute(WHO, who);
  }

  private static AccessToken who(Context ctx) {
    return ctx.attribute(WHO);
  }

  private JsonNode body(Context ctx) {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length > config.maxRequestBytes()) {
      throw new LaneException(ErrorCode.TOO_LARGE, "body larger than " + config.maxRequestBytes() + " bytes");
    }
    if (bytes.length == 0) throw new LaneException(ErrorCode.BAD_REQUEST, "a JSON body is required");
    return Json.parse(new String(bytes, StandardCharsets.UTF_8));
  }
}
