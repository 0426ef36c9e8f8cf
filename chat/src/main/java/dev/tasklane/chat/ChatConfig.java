package dev.tasklane.chat;

import dev.tasklane.chat.schedule.ScheduleConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * The chat flow's knobs. {@link #defaults()} gives the documented defaults; {@link #toBuilder()}
 * changes some of them. docs/CHAT.md lists every knob.
 *
 * @param yieldWindow how long {@link ChatService#receive} waits for a task before it answers with an
 *     acknowledgement instead of the result (default 2 s)
 * @param progressEditInterval the shortest time between two edits of a task's status message
 *     (default 3 s)
 * @param heartbeatAfter after this long without progress from the handler, the status message says
 *     "still working, 3m" (default 30 s)
 * @param maxMessageChars the longest message a channel is sent; longer results go out in parts
 *     (default 4096, Telegram's limit)
 * @param transcriptLimit the largest page {@link ChatService#transcript} returns (default 500)
 * @param maxIncomingChars the longest message accepted (default 32,000 characters)
 * @param deliveryRetryBase first delay before a failed send is retried; doubles per failure (default 1 s)
 * @param deliveryRetryMax the longest delay between two tries of a send (default 5 min)
 * @param maxDeliveryAttempts tries of one message before it is given up and logged (default 30)
 * @param deliveryLease on a database shared by several nodes, how long the node that took an outbox
 *     message to send it has it to itself; a node that dies mid-send hands it over after this
 *     (default 1 min: longer than a send may take)
 * @param runKind the task kind {@code /run <command>} submits (default {@code exec})
 * @param maxTrackedStatusMessages status messages kept up to date at once (default 10,000); past it,
 *     the ones of finished tasks, then the oldest, are no longer edited (their results still arrive)
 * @param schedules the knobs of {@code /later} and {@code /every}
 */
public record ChatConfig(
    Duration yieldWindow,
    Duration progressEditInterval,
    Duration heartbeatAfter,
    int maxMessageChars,
    int transcriptLimit,
    int maxIncomingChars,
    Duration deliveryRetryBase,
    Duration deliveryRetryMax,
    int maxDeliveryAttempts,
    Duration deliveryLease,
    String runKind,
    int maxTrackedStatusMessages,
    ScheduleConfig schedules) {

  public ChatConfig {
    Objects.requireNonNull(runKind, "runKind");
    Objects.requireNonNull(schedules, "schedules");
    requireNotNegative(yieldWindow, "yieldWindow");
    requirePositive(progressEditInterval, "progressEditInterval");
    requirePositive(heartbeatAfter, "heartbeatAfter");
    requirePositive(deliveryRetryBase, "deliveryRetryBase");
    requirePositive(deliveryRetryMax, "deliveryRetryMax");
    requirePositive(deliveryLease, "deliveryLease");
    if (maxMessageChars < 64) throw new IllegalArgumentException("maxMessageChars must be at least 64");
    if (transcriptLimit < 1) throw new IllegalArgumentException("transcriptLimit must be at least 1");
    if (maxIncomingChars < 1) throw new IllegalArgumentException("maxIncomingChars must be at least 1");
    if (maxDeliveryAttempts < 1) throw new IllegalArgumentException("maxDeliveryAttempts must be at least 1");
    if (maxTrackedStatusMessages < 1) throw new IllegalArgumentException("maxTrackedStatusMessages must be at least 1");
  }

  public static ChatConfig defaults() {
    return new Builder().build();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
  }

  private static void requireNotNegative(Duration d, String name) {
    if (d == null || d.isNegative()) throw new IllegalArgumentException(name + " must not be negative");
  }

  /** Builder starting from the defaults. */
  public static final class Builder {
    private Duration yieldWindow = Duration.ofSeconds(2);
    private Duration progressEditInterval = Duration.ofSeconds(3);
    private Duration heartbeatAfter = Duration.ofSeconds(30);
    private int maxMessageChars = 4096;
    private int transcriptLimit = 500;
    private int maxIncomingChars = 32_000;
    private Duration deliveryRetryBase = Duration.ofSeconds(1);
    private Duration deliveryRetryMax = Duration.ofMinutes(5);
    private int maxDeliveryAttempts = 30;
    private Duration deliveryLease = Duration.ofMinutes(1);
    private String runKind = "exec";
    private int maxTrackedStatusMessages = 10_000;
    private ScheduleConfig schedules = ScheduleConfig.defaults();

    public Builder() {}

    private Builder(ChatConfig c) {
      yieldWindow = c.yieldWindow;
      progressEditInterval = c.progressEditInterval;
      heartbeatAfter = c.heartbeatAfter;
      maxMessageChars = c.maxMessageChars;
      transcriptLimit = c.transcriptLimit;
      maxIncomingChars = c.maxIncomingChars;
      deliveryRetryBase = c.deliveryRetryBase;
      deliveryRetryMax = c.deliveryRetryMax;
      maxDeliveryAttempts = c.maxDeliveryAttempts;
      deliveryLease = c.deliveryLease;
      runKind = c.runKind;
      maxTrackedStatusMessages = c.maxTrackedStatusMessages;
      schedules = c.schedules;
    }

    public Builder yieldWindow(Duration v) { yieldWindow = v; return this; }
    public Builder progressEditInterval(Duration v) { progressEditInterval = v; return this; }
    public Builder heartbeatAfter(Duration v) { heartbeatAfter = v; return this; }
    public Builder maxMessageChars(int v) { maxMessageChars = v; return this; }
    public Builder transcriptLimit(int v) { transcriptLimit = v; return this; }
    public Builder maxIncomingChars(int v) { maxIncomingChars = v; return this; }
    public Builder deliveryRetryBase(Duration v) { deliveryRetryBase = v; return this; }
    public Builder deliveryRetryMax(Duration v) { deliveryRetryMax = v; return this; }
    public Builder maxDeliveryAttempts(int v) { maxDeliveryAttempts = v; return this; }
    public Builder deliveryLease(Duration v) { deliveryLease = v; return this; }
    public Builder runKind(String v) { runKind = v; return this; }
    public Builder maxTrackedStatusMessages(int v) { maxTrackedStatusMessages = v; return this; }
    public Builder schedules(ScheduleConfig v) { schedules = v; return this; }

    public ChatConfig build() {
      return new ChatConfig(yieldWindow, progressEditInterval, heartbeatAfter, maxMessageChars, transcriptLimit,
          maxIncomingChars, deliveryRetryBase, deliveryRetryMax, maxDeliveryAttempts, deliveryLease, runKind,
          maxTrackedStatusMessages, schedules);
    }
  }
}
