package dev.tasklane.gateway;

import java.time.Duration;

/**
 * The gateway's knobs; docs/PROTOCOL.md lists them with their limits.
 *
 * @param host interface to bind (default 127.0.0.1: local only)
 * @param port TCP port (default 7070; 0 picks a free one)
 * @param maxRequestBytes largest WebSocket request frame or HTTP body answered normally; larger ones get
 *     {@code too_large} (default 64 KiB)
 * @param maxFrameBytes hard limit of one WebSocket frame: beyond it the server closes the connection
 *     (status 1009) instead of reading it (default 16 MiB)
 * @param ratePerSecond sustained requests per second per connection (WebSocket) or token (HTTP); 0 =
 *     unlimited (default 50)
 * @param rateBurst requests allowed at once before the rate applies (default 100)
 * @param maxSubscriptions subscriptions one WebSocket connection may hold (default 100)
 * @param sendBuffers what the server holds for WebSocket clients that read slower than it writes
 * @param authFailuresPerMinute failed authentications one client address may make per minute (in a burst
 *     of as many) before it gets {@code rate_limited}; 0 = unlimited (default 20)
 */
public record GatewayConfig(
    String host, int port, int maxRequestBytes, int maxFrameBytes, double ratePerSecond, int rateBurst,
    int maxSubscriptions, SendBuffers sendBuffers, int authFailuresPerMinute) {

  /**
   * Bytes waiting to be sent to WebSocket clients (answers and events the server wrote and the
   * client has not read yet). A connection past its cap is closed (status 4008), so is the one most
   * behind when all connections together pass the server's cap; the client reconnects and resumes.
   *
   * @param perConnection bytes waiting for one connection beyond which it is closed (default 4 MiB)
   * @param perServer bytes waiting for all connections together (default 64 MiB)
   * @param closeGrace how long a closed connection's client has to read what was queued and the
   *     close frame before the socket is dropped (default 5 s)
   */
  public record SendBuffers(long perConnection, long perServer, Duration closeGrace) {
    public SendBuffers {
      if (perConnection < 1) throw new IllegalArgumentException("the per-connection send buffer must be at least 1 byte");
      if (perServer < perConnection) {
        throw new IllegalArgumentException("the server's send buffers must hold at least one connection's");
      }
      if (closeGrace.isNegative()) throw new IllegalArgumentException("closeGrace must not be negative");
    }

    public static SendBuffers defaults() {
      return new SendBuffers(4L << 20, 64L << 20, Duration.ofSeconds(5));
    }
  }

  public GatewayConfig {
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0 to 65535");
    if (maxRequestBytes < 256) throw new IllegalArgumentException("maxRequestBytes must be at least 256");
    if (maxFrameBytes <= maxRequestBytes) throw new IllegalArgumentException("maxFrameBytes must exceed maxRequestBytes");
    if (maxSubscriptions < 1) throw new IllegalArgumentException("maxSubscriptions must be at least 1");
    if (authFailuresPerMinute < 0) throw new IllegalArgumentException("authFailuresPerMinute must not be negative");
  }

  public static GatewayConfig defaults() {
    return new GatewayConfig("127.0.0.1", 7070, 64 * 1024, 16 * 1024 * 1024, 50, 100, 100, SendBuffers.defaults(), 20);
  }

  public GatewayConfig withHost(String h) {
    return new GatewayConfig(h, port, maxRequestBytes, maxFrameBytes, ratePerSecond, rateBurst, maxSubscriptions,
        sendBuffers, authFailuresPerMinute);
  }

  public GatewayConfig withPort(int p) {
    return new GatewayConfig(host, p, maxRequestBytes, maxFrameBytes, ratePerSecond, rateBurst, maxSubscriptions,
        sendBuffers, authFailuresPerMinute);
  }

  public GatewayConfig withMaxRequestBytes(int b) {
    return new GatewayConfig(host, port, b, Math.max(maxFrameBytes, b + 1), ratePerSecond, rateBurst, maxSubscriptions,
        sendBuffers, authFailuresPerMinute);
  }

  public GatewayConfig withMaxFrameBytes(int b) {
    return new GatewayConfig(host, port, maxRequestBytes, b, ratePerSecond, rateBurst, maxSubscriptions, sendBuffers,
        authFailuresPerMinute);
  }

  public GatewayConfig withRateLimit(double perSecond, int burst) {
    return new GatewayConfig(host, port, maxRequestBytes, maxFrameBytes, perSecond, burst, maxSubscriptions,
        sendBuffers, authFailuresPerMinute);
  }

  public GatewayConfig withMaxSubscriptions(int n) {
    return new GatewayConfig(host, port, maxRequestBytes, maxFrameBytes, ratePerSecond, rateBurst, n, sendBuffers,
        authFailuresPerMinute);
  }

  public GatewayConfig withSendBuffers(SendBuffers b) {
    return new GatewayConfig(host, port, maxRequestBytes, maxFrameBytes, ratePerSecond, rateBurst, maxSubscriptions,
        b, authFailuresPerMinute);
  }

  public GatewayConfig withAuthFailuresPerMinute(int n) {
    return new GatewayConfig(host, port, maxRequestBytes, maxFrameBytes, ratePerSecond, rateBurst, maxSubscriptions,
        sendBuffers, n);
  }
}
