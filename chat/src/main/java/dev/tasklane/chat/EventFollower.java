package dev.tasklane.chat;

import dev.tasklane.core.Subscription;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.engine.Lane;
import dev.tasklane.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the lane's events from a cursor stored in the database: progress goes to the status
 * messages, and a task from a chat that finished gets its reply recorded in the outbox, in the same
 * write that moves the cursor past its event. After a restart the follower continues from the
 * cursor, so an outcome that happened while the chat service was down is delivered, and one
 * recorded before is not recorded again (the outbox holds one outcome row per task).
 */
final class EventFollower implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventFollower.class);
  /** Progress events are not worth a write each: the cursor moves past them at most this often. */
  private static final Duration SAVE_EVERY = Duration.ofSeconds(1);
  private static final Duration RETRY_FIRST = Duration.ofMillis(100);
  private static final Duration RETRY_MAX = Duration.ofSeconds(5);

  private final Lane lane;
  private final Database db;
  private final Outcomes outcomes;
  private final StatusReporter reporter;
  private final OutboxSender sender;
  private final Clock clock;
  private long cursor;
  private volatile long seen;
  private volatile long saved;
  private Instant savedAt = Instant.MIN;
  private Subscription subscription;
  private volatile boolean closed;

  EventFollower(Lane lane, Outcomes outcomes, StatusReporter reporter, OutboxSender sender, Clock clock) {
    this.lane = lane;
    this.db = lane.database();
    this.outcomes = outcomes;
    this.reporter = reporter;
    this.sender = sender;
    this.clock = clock;
  }

  /** Reads the stored cursor; the first time, starts it at the lane's newest event. */
  void init() {
    long newest = lane.lastEventId();
    cursor = db.write(tx -> OutboxSql.cursor(tx.connection(), OutboxSql.EVENTS_CURSOR, newest));
    seen = cursor;
    saved = cursor;
  }

  void start() {
    subscription = lane.subscribeAll(cursor, this::onEvent);
  }

  private void onEvent(TaskEvent e) {
    reporter.onEvent(e);
    if (e.state().isTerminal()) finished(e);
    seen = e.id();
    if (seen > saved && !clock.instant().isBefore(savedAt.plus(SAVE_EVERY))) save(seen);
  }

  /**
   * Records the outcome of a finished task. A failing write is tried again (the event would
   * otherwise be passed by), until it succeeds or the follower is closed; the next start then
   * continues from the stored cursor, which is still before this event.
   */
  private void finished(TaskEvent e) {
    Duration pause = RETRY_FIRST;
    while (!closed) {
      try {
        record(e);
        return;
      } catch (RuntimeException ex) {
        log.warn("recording the outcome of task {} failed; trying again in {}", e.taskId(), pause, ex);
        try {
          Thread.sleep(pause);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("stopped before the outcome of task " + e.taskId() + " was recorded", ie);
        }
        pause = pause.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : pause.multipliedBy(2);
      }
    }
    throw new IllegalStateException("closed before the outcome of task " + e.taskId() + " was recorded");
  }

  private void record(TaskEvent e) {
    Optional<Task> task = lane.get(e.taskId()).filter(Task::isTerminal).filter(Outcomes::fromChat);
    if (task.isEmpty()) return;
    try {
      recordOnce(e, task.get());
    } catch (Outcomes.RecordedMeanwhile meanwhile) {
      recordOnce(e, task.get()); // finds the outcome the other recorded
    }
    saved = e.id();
  }

  private void recordOnce(TaskEvent e, Task task) {
    db.write(tx -> {
      outcomes.record(tx, task).ifPresent(r -> {
        if (r.closedStatus() != null) tx.afterCommit(() -> reporter.closed(r.closedStatus()));
      });
      OutboxSql.advance(tx.connection(), OutboxSql.EVENTS_CURSOR, e.id());
      tx.afterCommit(sender::wake);
      return null;
    });
  }

  private void save(long position) {
    try {
      db.write(tx -> {
        OutboxSql.advance(tx.connection(), OutboxSql.EVENTS_CURSOR, position);
        return null;
      });
      saved = position;
      savedAt = clock.instant();
    } catch (RuntimeException ex) {
      log.warn("saving the chat's event cursor failed; events after {} will be looked at again", saved, ex);
    }
  }

  @Override
  public void close() {
    closed = true;
    if (subscription != null) subscription.close();
    if (seen > saved) save(seen);
  }
}
