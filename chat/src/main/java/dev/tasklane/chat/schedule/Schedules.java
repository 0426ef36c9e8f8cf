package dev.tasklane.chat.schedule;

import dev.tasklane.chat.schedule.ScheduleSql.NewSchedule;
import dev.tasklane.core.LaneException;
import dev.tasklane.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores schedules and fires their occurrences, each once. The database is the source of truth,
 * never a timer: every tick reads the due schedules, and claims an occurrence by moving the
 * schedule on to its next one in the same write that inserts the run row keyed by (schedule,
 * occurrence), guarded by the occurrence it read; so of several nodes on one database exactly one
 * claims it. The claimed occurrence is then sent through the chat flow with a message id made of
 * schedule and occurrence, which the chat flow answers once; a claim whose node died before the
 * send is sent again after {@link ScheduleConfig#resendAfter}. The next occurrence is always the
 * first one after now: a server that was down over several occurrences sends the missed one once.
 */
public final class Schedules implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Schedules.class);
  private static final int BATCH = 100;
  private static final Duration PURGE_EVERY = Duration.ofHours(1);

  /** Who schedules, and where: each occurrence is a message of {@code sender} in this chat. */
  public record Author(String sessionKey, String channel, String chatId, String sender) {}

  /** One occurrence to send. */
  public record Occurrence(Schedule schedule, Instant at) {
    /** The message id the chat flow dedupes it by: one answer per occurrence. */
    public String messageId() {
      return MESSAGE_ID_PREFIX + schedule.id() + ":" + at.toEpochMilli();
    }
  }

  /** What sending an occurrence through the chat flow gave: whether it was answered, and the task it started. */
  public record Sent(boolean answered, Long taskId) {}

  /** Sends an occurrence's message through the chat flow. */
  @FunctionalInterface
  public interface Sender {
    Sent send(Occurrence occurrence);
  }

  /** Message ids of scheduled messages start with this: they answer no platform message. */
  public static final String MESSAGE_ID_PREFIX = "schedule:";

  private final Database db;
  private final ScheduleConfig config;
  private final Clock clock;
  private final Sender sender;
  private ScheduledExecutorService loop;
  private boolean started;
  private Instant lastPurge = Instant.EPOCH;

  public Schedules(Database db, ScheduleConfig config, Clock clock, Sender sender) {
    this.db = db;
    this.config = config;
    this.clock = clock;
    this.sender = sender;
  }

  public ScheduleConfig config() {
    return config;
  }

  /**
   * Stores a schedule whose first occurrence is {@code first}.
   *
   * @throws IllegalStateException when the chat has {@link ScheduleConfig#maxPerChat} active schedules
   */
  public Schedule add(Author a, String text, Recurrence rule, String when, ZoneId zone, Instant first) {
    String cron = rule == null ? null : rule.cron();
    String words = rule == null ? when : rule.words();
    NewSchedule s = new NewSchedule(a.sessionKey(), a.channel(), a.chatId(), a.sender(), text, cron, words, zone,
        first, clock.instant());
    return db.write(tx -> {
      if (ScheduleSql.countActive(tx.connection(), a.sessionKey()) >= config.maxPerChat()) {
        throw new IllegalStateException("this chat has " + config.maxPerChat() + " schedules, the most it may have;"
            + " /schedules cancel <n> drops one");
      }
      return ScheduleSql.insert(tx.connection(), s);
    });
  }

  /** The chat's active schedules, next due first. */
  public List<Schedule> active(String sessionKey) {
    return db.read(tx -> ScheduleSql.active(tx.connection(), sessionKey));
  }

  /** Cancels one of the chat's schedules; false if it has no active schedule with that id. */
  public boolean cancel(String sessionKey, long id) {
    return db.write(tx -> ScheduleSql.cancel(tx.connection(), sessionKey, id));
  }

  public Optional<Schedule> find(long id) {
    return db.read(tx -> ScheduleSql.find(tx.connection(), id));
  }

  /** The chat's time zone: its own ({@code /timezone}), else the configured one. */
  public ZoneId zone(String sessionKey) {
    return db.read(tx -> ScheduleSql.zone(tx.connection(), sessionKey)).orElse(config.zone());
  }

  public void setZone(String sessionKey, ZoneId zone) {
    db.write(tx -> {
      ScheduleSql.setZone(tx.connection(), sessionKey, zone);
      return null;
    });
  }

  /** Starts the loop that sends due occurrences every {@link ScheduleConfig#tick}. */
  public synchronized void start() {
    if (started) return;
    started = true;
    loop = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("tasklane-schedules").daemon(true)
        .factory());
    boolean orphansAtOnce = db.dialect().singleProcess();
    loop.execute(() -> guarded(() -> runDue(orphansAtOnce)));
    long tick = config.tick().toMillis();
    loop.scheduleWithFixedDelay(() -> guarded(() -> runDue(false)), tick, tick, TimeUnit.MILLISECONDS);
  }

  /**
   * Claims and sends every due occurrence, and sends again those claimed but never sent; returns how
   * many were sent. With {@code orphansAtOnce} (a start on a database only this process uses) every
   * unsent claim is an orphan of the previous process and is sent at once.
   */
  public int runDue(boolean orphansAtOnce) {
    Instant now = clock.instant();
    List<Occurrence> toSend = new ArrayList<>();
    Instant resendBefore = orphansAtOnce ? now : now.minus(config.resendAfter());
    db.read(tx -> ScheduleSql.unsent(tx.connection(), resendBefore, BATCH))
        .forEach(u -> toSend.add(new Occurrence(u.schedule(), u.occurrence())));
    for (Schedule s : db.read(tx -> ScheduleSql.due(tx.connection(), now, BATCH))) {
      Instant next = s.recurring() ? next(s, now) : null;
      if (db.write(tx -> ScheduleSql.claim(tx.connection(), s, next, now))) toSend.add(new Occurrence(s, s.nextAt()));
    }
    sendAll(toSend);
    if (Duration.between(lastPurge, now).compareTo(PURGE_EVERY) >= 0) {
      lastPurge = now;
      db.write(tx -> ScheduleSql.purge(tx.connection(), now.minus(config.keepFinished())));
    }
    return toSend.size();
  }

  /** The first occurrence after now (not after the one being sent): missed ones are not made up. */
  private static Instant next(Schedule s, Instant now) {
    Instant from = now.isAfter(s.nextAt()) ? now : s.nextAt();
    return new Recurrence(s.cron(), s.rule()).next(from, s.zone()).orElse(null);
  }

  /** Sends side by side (the chat flow may wait its yield window for each), and records each sent one. */
  private void sendAll(List<Occurrence> occurrences) {
    List<Thread> threads = new ArrayList<>();
    for (Occurrence o : occurrences) {
      threads.add(Thread.ofVirtual().name("tasklane-schedule-send").start(() -> guarded(() -> send(o))));
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void send(Occurrence o) {
    Sent sent;
    try {
      sent = sender.send(o);
    } catch (LaneException e) {
      // Refused for good (the message is no longer acceptable): recorded, so it is not tried forever.
      log.warn("the occurrence {} of schedule {} was refused: {}", o.at(), o.schedule().id(), e.getMessage());
      sent = new Sent(true, null);
    }
    if (!sent.answered()) return; // stored by a process that died before answering: tried again later
    Long task = sent.taskId();
    db.write(tx -> {
      ScheduleSql.sent(tx.connection(), o.schedule().id(), o.at(), task, clock.instant());
      return null;
    });
  }

  private static void guarded(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.error("sending scheduled messages failed; tried again on the next tick", e);
    }
  }

  @Override
  public synchronized void close() {
    if (loop == null) return;
    loop.shutdownNow();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    loop = null;
    started = false;
  }
}
