package dev.tasklane.chat.schedule;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * The knobs of {@code /later} and {@code /every}; docs/CHAT.md lists them.
 *
 * @param zone the time zone of a chat that has not chosen one with {@code /timezone} (default: the
 *     server's)
 * @param maxPerChat active schedules one chat may have (default 20)
 * @param minInterval the shortest time between two occurrences of an {@code /every} (default 5 min)
 * @param maxAhead how far ahead a {@code /later} may be (default 366 days)
 * @param tick how often due occurrences are looked for (default 1 s)
 * @param resendAfter an occurrence claimed this long ago and still not sent (its node died) is sent
 *     again (default 1 min; on SQLite, at start, at once)
 * @param keepFinished how long runs and finished schedules are kept (default 7 days)
 */
public record ScheduleConfig(ZoneId zone, int maxPerChat, Duration minInterval, Duration maxAhead, Duration tick,
    Duration resendAfter, Duration keepFinished) {

  public ScheduleConfig {
    Objects.requireNonNull(zone, "zone");
    if (maxPerChat < 0) throw new IllegalArgumentException("maxPerChat must not be negative");
    for (Duration d : new Duration[] {minInterval, maxAhead, tick, resendAfter, keepFinished}) {
      if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException("durations must be positive");
    }
  }

  public static ScheduleConfig defaults() {
    return new ScheduleConfig(ZoneId.systemDefault(), 20, Duration.ofMinutes(5), Duration.ofDays(366),
        Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofDays(7));
  }

  public ScheduleConfig withZone(ZoneId z) {
    return new ScheduleConfig(z, maxPerChat, minInterval, maxAhead, tick, resendAfter, keepFinished);
  }

  public ScheduleConfig withMaxPerChat(int n) {
    return new ScheduleConfig(zone, n, minInterval, maxAhead, tick, resendAfter, keepFinished);
  }

  public ScheduleConfig withMinInterval(Duration d) {
    return new ScheduleConfig(zone, maxPerChat, d, maxAhead, tick, resendAfter, keepFinished);
  }

  public ScheduleConfig withTick(Duration d) {
    return new ScheduleConfig(zone, maxPerChat, minInterval, maxAhead, d, resendAfter, keepFinished);
  }
}
