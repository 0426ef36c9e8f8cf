package dev.tasklane.telegram;

import dev.tasklane.telegram.TelegramConfig.Limits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Telegram's flood limits, shared by every call the bot makes: a global rate of messages (sends
 * and edits), a budget of edits per chat in a sliding window, and the pause a 429's
 * {@code retry_after} asks for, which holds back every caller, not only the one that got it.
 */
final class RateLimits {
  private final Limits limits;
  private final Clock clock;
  private final Map<String, Deque<EditSlot>> edits = new ConcurrentHashMap<>();
  private double tokens;
  private Instant refilledAt;
  private Instant pausedUntil = Instant.MIN;

  RateLimits(Limits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
    this.tokens = Math.max(1, limits.messagesPerSecond());
    this.refilledAt = clock.instant();
  }

  /** Waits until a message (send or edit) may go out. */
  void awaitMessage() throws InterruptedException {
    while (true) {
      Duration wait = takeToken();
      if (wait.isZero()) return;
      Thread.sleep(wait);
    }
  }

  /** Waits until any call may go out (only a 429's pause holds these back). */
  void awaitCall() throws InterruptedException {
    while (true) {
      Duration wait = pauseLeft();
      if (wait.isZero()) return;
      Thread.sleep(wait);
    }
  }

  private synchronized Duration takeToken() {
    Instant now = clock.instant();
    Duration paused = pauseLeft(now);
    if (!paused.isZero()) return paused;
    double rate = limits.messagesPerSecond();
    double elapsed = Duration.between(refilledAt, now).toNanos() / 1e9;
    tokens = Math.min(Math.max(1, rate), tokens + elapsed * rate);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil((1 - tokens) / rate * 1e9));
  }

  /**
   * One edit of a chat's budget. It counts from its claim, and from Telegram's answer once that
   * came ({@link #answered()}): Telegram saw it somewhere in between, so the window is kept on
   * Telegram's side too, however long the call took.
   */
  final class EditSlot {
    private final Deque<EditSlot> owner;
    private Instant at;

    private EditSlot(Deque<EditSlot> owner, Instant at) {
      this.owner = owner;
      this.at = at;
    }

    void answered() {
      synchronized (owner) {
        at = clock.instant();
      }
    }
  }

  /** A claim on a chat's edit budget: a slot, or how long until one is free. */
  record EditClaim(EditSlot slot, Duration retryAfter) {}

  /**
   * Claims one edit of the chat's budget; when the budget of the window is spent, claims nothing
   * and says how long until the oldest edit leaves the window.
   */
  EditClaim claimEdit(String chat) {
    Deque<EditSlot> recent = edits.computeIfAbsent(chat, k -> new ArrayDeque<>());
    synchronized (recent) {
      Instant now = clock.instant();
      Instant windowStart = now.minus(limits.editWindow());
      recent.removeIf(e -> !e.at.isAfter(windowStart));
      if (recent.size() >= limits.editsPerChat()) {
        Instant oldest = recent.stream().map(e -> e.at).min(Instant::compareTo).orElseThrow();
        return new EditClaim(null, Duration.between(windowStart, oldest));
      }
      EditSlot slot = new EditSlot(recent, now);
      recent.addLast(slot);
      return new EditClaim(slot, Duration.ZERO);
    }
  }

  /** Holds back every call for {@code d} (a 429's {@code retry_after}). */
  synchronized void pause(Duration d) {
    Instant until = clock.instant().plus(d);
    if (until.isAfter(pausedUntil)) pausedUntil = until;
  }

  synchronized Duration pauseLeft() {
    return pauseLeft(clock.instant());
  }

  private Duration pauseLeft(Instant now) {
    return now.isBefore(pausedUntil) ? Duration.between(now, pausedUntil) : Duration.ZERO;
  }
}
