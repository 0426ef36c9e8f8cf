package dev.tasklane.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.gateway.api.Json;
import dev.tasklane.gateway.api.RateLimiter;
import dev.tasklane.gateway.auth.AccessToken;
import io.javalin.websocket.WsContext;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.StatusCode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open WebSocket: who is on it, its rate limit, its subscriptions, and the one place frames are
 * sent from (sends are serialised so responses and events leave in the order they were written).
 * What waits to be sent is counted against the connection's and the server's {@link SendBudget}.
 */
public final class WsConnection implements SendBudget.Owner {
  private static final Logger log = LoggerFactory.getLogger(WsConnection.class);
  /**
   * The close status of a client too far behind: an application's code (4000 to 4999). Jetty drops
   * the socket as soon as it has written a close frame with a standard error status (1008 among
   * them), and a socket dropped with the client's requests unread reaches the client as a reset,
   * which can discard the close frame before the client reads it. With this code Jetty waits for
   * the client's answer to the close, and the close grace bounds that wait.
   */
  static final int TOO_FAR_BEHIND = 4008;

  private final WsContext ctx;
  private final AccessToken who;
  private final RateLimiter rateLimiter;
  private final int maxSubscriptions;
  private final Map<String, AutoCloseable> subscriptions = new ConcurrentHashMap<>();
  private final AtomicLong nextSubscription = new AtomicLong();
  private final ReentrantLock sendLock = new ReentrantLock();
  private final SendBudget budget;
  private final SendBudget.Backlog backlog;
  private volatile boolean open = true;
  /** Set once, by the first reason to close the connection for falling behind. */
  private final AtomicBoolean closing = new AtomicBoolean();

  WsConnection(WsContext ctx, AccessToken who, RateLimiter rateLimiter, int maxSubscriptions, SendBudget budget) {
    this.ctx = ctx;
    this.who = who;
    this.rateLimiter = rateLimiter;
    this.maxSubscriptions = maxSubscriptions;
    this.budget = budget;
    this.backlog = budget.open(this);
  }

  public AccessToken who() {
    return who;
  }

  /** False once the connection is closing: its requests are no longer answered. */
  boolean isOpen() {
    return open;
  }

  boolean tryAcquire() {
    return rateLimiter.tryAcquire();
  }

  /** A subscription id not yet handed out, for listeners that must know it before registration. */
  public String reserveSubscriptionId() {
    return "s" + nextSubscription.incrementAndGet();
  }

  /** Registers under an id from {@link #reserveSubscriptionId}. */
  public void addSubscription(String id, AutoCloseable subscription) {
    if (subscriptions.size() >= maxSubscriptions) {
      closeQuietly(subscription);
      throw new LaneException(ErrorCode.RATE_LIMITED, "at most " + maxSubscriptions + " subscriptions per connection");
    }
    subscriptions.put(id, subscription);
    if (!open) closeAll();
  }

  /** Closes a subscription; false if there was none by that id. */
  public boolean removeSubscription(String id) {
    AutoCloseable s = subscriptions.remove(id);
    if (s == null) return false;
    closeQuietly(s);
    return true;
  }

  public int subscriptionCount() {
    return subscriptions.size();
  }

  void reply(JsonNode id, JsonNode result) {
    ObjectNode n = Json.object();
    n.set("id", id);
    n.put("ok", true);
    n.set("result", result);
    send(n);
  }

  void fail(JsonNode id, ErrorCode code, String message) {
    ObjectNode n = Json.object();
    n.set("id", id);
    n.put("ok", false);
    n.set("error", Json.error(code, message));
    send(n);
  }

  /** {@code {"event": type, "data": data}}. */
  public void event(String type, JsonNode data) {
    ObjectNode n = Json.object();
    n.put("event", type);
    n.set("data", data);
    send(n);
  }

  private void send(ObjectNode frame) {
    if (!open) return;
    String text = Json.write(frame);
    long size = SendBudget.utf8Length(text);
    sendLock.lock();
    try {
      if (!open || !ctx.session.isOpen() || !backlog.reserve(size)) return;
      ctx.session.sendText(text, Callback.from(() -> backlog.release(size), failure -> {
        backlog.release(size);
        sendFailed(failure);
      }));
    } finally {
      sendLock.unlock();
    }
  }

  /**
   * The client reads too slowly: anything more would only pile up. It gets nothing new, a close
   * frame after what is already queued (it reconnects and resumes from the last event it has), and
   * the close grace to read them before the socket is dropped, or no time at all with
   * {@code dropNow} (the server's buffers are full), which also cuts short a grace already running.
   */
  @Override
  public boolean tooFarBehind(String reason, boolean dropNow) {
    // No lock here: the server's cap is enforced from another connection's send, holding its lock.
    boolean first = closing.compareAndSet(false, true);
    open = false;
    if (first) {
      log.info("closing a WebSocket of '{}' at {}: {}", who.name(), ctx.session.getRemoteSocketAddress(), reason);
      closeAll();
      ctx.closeSession(TOO_FAR_BEHIND, reason);
    }
    if (dropNow) ctx.session.disconnect();
    else if (first) budget.afterCloseGrace(ctx.session::disconnect); // a no-op if the close went through
    return first;
  }

  /**
   * A frame could not be queued (the socket broke). Dropping it silently would leave a gap in an
   * event stream, so the connection is closed instead: the client reconnects and resumes from the
   * last event it has.
   */
  private void sendFailed(Throwable failure) {
    if (!open) return;
    open = false;
    ctx.closeSession(StatusCode.SERVER_ERROR, "could not send; reconnect and resume");
  }

  void closed() {
    open = false;
    closeAll();
    backlog.close();
  }

  private void closeAll() {
    for (String id : subscriptions.keySet()) removeSubscription(id);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing a feed of a connection that is going away: nothing useful to do with a failure
    }
  }
}
