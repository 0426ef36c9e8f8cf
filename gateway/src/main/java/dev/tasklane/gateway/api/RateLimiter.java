package dev.tasklane.gateway.api;

import java.time.Clock;

/**
 * A token bucket: {@code burst} requests at once, refilled at {@code perSecond}. One per WebSocket
 * connection and one per token on HTTP. A rate of 0 or less means unlimited.
 */
public final class RateLimiter {
  private final double perSecond;
  private final double burst;
  private final Clock clock;
  private double available;
  private long lastMillis;

  public RateLimiter(double perSecond, int burst, Clock clock) {
    this.perSecond = perSecond;
    this.burst = Math.max(1, burst);
    this.clock = clock;
    this.available = this.burst;
    this.lastMillis = clock.millis();
  }

  /** Takes one request's worth; false when the bucket is empty (the caller answers rate_limited). */
  public synchronized boolean tryAcquire() {
    if (perSecond <= 0) return true;
    long now = clock.millis();
    available = Math.min(burst, available + (now - lastMillis) * perSecond / 1000.0);
    lastMillis = now;
    if (available < 1) return false;
    available -= 1;
    return true;
  }
}
