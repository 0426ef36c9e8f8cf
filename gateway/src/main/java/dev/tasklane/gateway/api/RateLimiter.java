package dev.tasklane.gateway.api;

import java.time.Clock;
import java.time.Duration;

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
    refill();
    if (available < 1) return false;
    available -= 1;
    return true;
  }

  /** How long until one request's worth is available again (zero when it is now). */
  public synchronized Duration retryAfter() {
    if (perSecond <= 0) return Duration.ZERO;
    refill();
    if (available >= 1) return Duration.ZERO;
    double millis = (1 - available) * 1000 / perSecond;
    return Duration.ofMillis((long) Math.ceil(millis - 1e-6)); // 999.9999999 ms of float error is a second
  }

  private void refill() {
    long now = clock.millis();
    available = Math.min(burst, available + (now - lastMillis) * perSecond / 1000.0);
    lastMillis = now;
  }
}
