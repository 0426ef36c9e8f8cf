package dev.tasklane.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.gateway.GatewayConfig;
import dev.tasklane.gateway.api.Json;
import dev.tasklane.gateway.api.Params;
import dev.tasklane.gateway.api.RateLimiter;
import dev.tasklane.gateway.auth.AccessToken;
import dev.tasklane.gateway.auth.Authenticator;
import dev.tasklane.gateway.http.HttpJson;
import dev.tasklane.gateway.ops.GatewayMetrics;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsBinaryMessageContext;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsMessageContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /ws}: authenticates the upgrade, then answers JSON request frames. Each request runs on its
 * own virtual thread, so a slow one never holds up the others on the same connection; responses
 * carry the request's id and may come back in a different order. A bad frame gets an error response
 * and the connection stays open.
 */
public final class WsEndpoint {
  private static final Logger log = LoggerFactory.getLogger(WsEndpoint.class);
  /** Frames waiting to be sent to one connection beyond which it is closed, however small they are. */
  public static final int MAX_QUEUED_FRAMES = SendBudget.MAX_FRAMES;

  private static final String WHO = "tasklane.who";

  private final Authenticator authenticator;
  private final GatewayConfig config;
  private final GatewayMetrics metrics;
  private final Map<String, WsMethod> methods;
  private final Clock clock;
  private final ExecutorService executor;
  private final SendBudget sendBudget;
  private final Map<WsContext, WsConnection> connections = new ConcurrentHashMap<>();

  public WsEndpoint(Authenticator authenticator, GatewayConfig config, GatewayMetrics metrics,
      Map<String, WsMethod> methods, Clock clock, Threads threads) {
    this.authenticator = authenticator;
    this.config = config;
    this.metrics = metrics;
    this.methods = Map.copyOf(methods);
    this.clock = clock;
    this.executor = threads.requests();
    this.sendBudget = new SendBudget(config.sendBuffers(), threads.timer());
    metrics.wsSendBuffers(sendBudget::waitingBytes, sendBudget::closedBehind);
  }

  /**
   * Where the endpoint runs its work.
   *
   * @param requests runs each request on a thread of its own
   * @param timer runs delayed actions (dropping a closed connection's socket after its grace)
   */
  public record Threads(ExecutorService requests, ScheduledExecutorService timer) {}

  public void install(RoutesConfig routes) {
    routes.wsBeforeUpgrade("/ws", this::authenticate);
    routes.ws("/ws", ws -> {
      ws.onConnect(this::connected);
      ws.onMessage(this::received);
      ws.onBinaryMessage(this::receivedBinary);
      ws.onClose(ctx -> closed(ctx));
      ws.onError(ctx -> closed(ctx));
    });
  }

  /**
   * Refuses the upgrade itself (HTTP 401 or 429 with a JSON error body) rather than accepting and
   * closing. Javalin does not write a result for an upgrade request, so the error is written here.
   */
  private void authenticate(Context ctx) throws IOException {
    try {
      ctx.attribute(WHO, authenticator.authenticate(ctx.ip(), ctx.header("Authorization"), ctx.queryParam("token")));
    } catch (LaneException e) {
      HttpJson.refuse(ctx, e);
    }
  }

  private void connected(WsContext ctx) {
    AccessToken who = ctx.attribute(WHO);
    RateLimiter limiter = new RateLimiter(config.ratePerSecond(), config.rateBurst(), clock);
    connections.put(ctx, new WsConnection(ctx, who, limiter, config.maxSubscriptions(), sendBudget));
    metrics.wsConnections().incrementAndGet();
    ctx.enableAutomaticPings(20, TimeUnit.SECONDS);
  }

  private void closed(WsContext ctx) {
    WsConnection c = connections.remove(ctx);
    if (c == null) return;
    c.closed();
    metrics.wsConnections().decrementAndGet();
  }

  private void received(WsMessageContext ctx) {
    WsConnection c = connections.get(ctx);
    if (c == null || !c.isOpen()) return;
    String text = ctx.message();
    if (tooLarge(text)) {
      c.fail(NullNode.instance, ErrorCode.TOO_LARGE, "frame larger than " + config.maxRequestBytes() + " bytes");
      return;
    }
    JsonNode frame;
    try {
      frame = Json.parse(text);
    } catch (LaneException e) {
      c.fail(NullNode.instance, e.code(), e.getMessage());
      return;
    }
    JsonNode id = frame.isObject() && frame.has("id") ? frame.get("id") : NullNode.instance;
    if (!c.tryAcquire()) {
      c.fail(id, ErrorCode.RATE_LIMITED, "too many requests on this connection; slow down");
      return;
    }
    try {
      executor.execute(() -> answer(c, id, frame));
    } catch (RejectedExecutionException e) {
      c.fail(id, ErrorCode.UNAVAILABLE, "the server is shutting down");
    }
  }

  /** Requests are JSON text frames; a binary frame is answered, never silently dropped. */
  private void receivedBinary(WsBinaryMessageContext ctx) {
    WsConnection c = connections.get(ctx);
    if (c == null || !c.isOpen()) return;
    c.fail(NullNode.instance, ErrorCode.BAD_REQUEST, "requests are JSON text frames, not binary ones");
  }

  private boolean tooLarge(String text) {
    if (text.length() > config.maxRequestBytes()) return true; // every char is at least one byte
    return text.length() * 3L > config.maxRequestBytes()
        && text.getBytes(StandardCharsets.UTF_8).length > config.maxRequestBytes();
  }

  private void answer(WsConnection c, JsonNode id, JsonNode frame) {
    try {
      WsRequest request = request(c, id, frame);
      String name = frame.get("method").textValue();
      long start = System.nanoTime();
      JsonNode result = methods.get(name).call(request);
      c.reply(id, result);
      metrics.requestLatency(name).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      request.replied();
    } catch (LaneException e) {
      c.fail(id, e.code(), e.getMessage());
    } catch (IllegalArgumentException e) {
      c.fail(id, ErrorCode.BAD_REQUEST, e.getMessage());
    } catch (Exception e) {
      log.warn("request {} failed", frame.path("method").asText("?"), e);
      c.fail(id, ErrorCode.INTERNAL, "internal error");
    }
  }

  private WsRequest request(WsConnection c, JsonNode id, JsonNode frame) {
    if (!frame.isObject()) throw bad("a request is a JSON object {id, method, params}");
    if (id.isNull() || !(id.isTextual() || id.isIntegralNumber())) throw bad("id must be a string or an integer");
    JsonNode method = frame.get("method");
    if (method == null || !method.isTextual()) throw bad("method must be a string");
    if (!methods.containsKey(method.textValue())) throw bad("unknown method '" + method.textValue() + "'");
    return new WsRequest(c, Params.of(frame.get("params")));
  }

  private static LaneException bad(String message) {
    return new LaneException(ErrorCode.BAD_REQUEST, message);
  }
}
