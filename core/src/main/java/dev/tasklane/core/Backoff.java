package dev.tasklane.core;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with ±20 % jitter, so retries of many tasks failing together spread out. */
record Backoff(Duration base, Duration max) {
  /** The delay before the attempt after {@code attempt} (1-based): base, 2·base, 4·base… up to max. */
  Duration delay(int attempt) {
    long maxMs = max.toMillis();
    long ms = Math.max(1, base.toMillis());
    for (int i = 1; i < attempt && ms < maxMs; i++) ms *= 2;
    ms = Math.min(ms, maxMs);
    double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
    return Duration.ofMillis(Math.round(ms * jitter));
  }
}
