package dev.tasklane.chat;

import java.time.Duration;

/**
 * A send or edit the platform refused, with what to do about it: never try again (the chat is
 * gone, the bot was blocked, the message to edit was deleted), or try again no sooner than
 * {@link #retryAfter()} (the platform's flood limit). Any other exception from a channel is retried
 * with the outbox's backoff.
 */
public final class DeliveryException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean permanent;
  private final Duration retryAfter;

  private DeliveryException(String reason, boolean permanent, Duration retryAfter) {
    super(reason);
    this.permanent = permanent;
    this.retryAfter = retryAfter;
  }

  /** Trying again will not help; the reason is logged with the message given up. */
  public static DeliveryException permanent(String reason) {
    return new DeliveryException(reason, true, Duration.ZERO);
  }

  /** Try again, but not before {@code after} has passed. */
  public static DeliveryException retryAfter(Duration after, String reason) {
    return new DeliveryException(reason, false, after);
  }

  public boolean permanent() {
    return permanent;
  }

  /** How long to wait before the next try; zero for a permanent failure. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
