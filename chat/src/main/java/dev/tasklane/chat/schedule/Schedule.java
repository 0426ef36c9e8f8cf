package dev.tasklane.chat.schedule;

import java.time.Instant;
import java.time.ZoneId;

/**
 * A message to send later ({@code /later}: once) or again and again ({@code /every}), as stored.
 *
 * @param sender who scheduled it: each occurrence is their message, with their permissions
 * @param cron the five-field cron expression of a recurring schedule; null for a one-off
 * @param rule the time or rule as the user wrote it
 * @param nextAt the next occurrence; null once done or canceled
 */
public record Schedule(long id, String sessionKey, String channel, String chatId, String sender, String text,
    String cron, String rule, ZoneId zone, Instant nextAt, State state, Instant createdAt, Instant lastRunAt) {

  /** Whether it still fires. */
  public enum State {
    ACTIVE,
    DONE,
    CANCELED
  }

  public boolean recurring() {
    return cron != null;
  }
}
