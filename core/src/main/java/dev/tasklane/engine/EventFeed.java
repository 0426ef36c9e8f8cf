package dev.tasklane.engine;

import dev.tasklane.core.EventListener;
import dev.tasklane.core.Subscription;
import dev.tasklane.core.TaskEvent;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription: replays persisted events after a cursor, then delivers live ones, with no gap
 * and no duplicate.
 *
 * <p>Why no gap: the feed starts buffering live events <em>before</em> it reads the stored ones, so
 * an event committed while the replay runs is in the buffer if not in the replay. Why no duplicate:
 * events are delivered only with a cursor above the last delivered one. If the buffer overflows
 * (a slow listener), the feed drops it and replays from the database again, where nothing is lost.
 */
final class EventFeed implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(EventFeed.class);
  static final int BUFFER = 10_000;
  private static final int PAGE = 1_000;

  /** Reads stored events after a cursor, oldest first, at most {@code limit}. */
  interface Replay {
    List<TaskEvent> after(long cursor, int limit);
  }

  private final Predicate<TaskEvent> filter;
  private final ToLongFunction<TaskEvent> cursorOf;
  private final Replay replay;
  private final EventListener listener;
  private final EventBus bus;
  private final LinkedBlockingQueue<TaskEvent> buffer = new LinkedBlockingQueue<>(BUFFER);
  private final AtomicBoolean overflowed = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile long cursor;
  private Thread thread;

  EventFeed(EventBus bus, Predicate<TaskEvent> filter, ToLongFunction<TaskEvent> cursorOf, long after, Replay replay,
      EventListener listener) {
    this.bus = bus;
    this.filter = filter;
    this.cursorOf = cursorOf;
    this.cursor = after;
    this.replay = replay;
    this.listener = listener;
  }

  EventFeed start() {
    bus.add(this);
    thread = Thread.ofVirtual().name("tasklane-feed").start(this::run);
    return this;
  }

  void offer(List<TaskEvent> events) {
    if (closed.get()) return;
    for (TaskEvent e : events) {
      if (filter.test(e) && !buffer.offer(e)) overflowed.set(true);
    }
  }

  private void run() {
    try {
      catchUp();
      while (!closed.get()) {
        TaskEvent e = buffer.poll(1, TimeUnit.SECONDS);
        if (overflowed.getAndSet(false)) {
          buffer.clear();
          catchUp();
          continue;
        }
        if (e != null) deliver(e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (!closed.get()) log.error("event subscription failed", e);
    } finally {
      close();
    }
  }

  private void catchUp() {
    while (!closed.get()) {
      List<TaskEvent> page = replay.after(cursor, PAGE);
      for (TaskEvent e : page) deliver(e);
      if (page.size() < PAGE) return;
    }
  }

  private void deliver(TaskEvent e) {
    long c = cursorOf.applyAsLong(e);
    if (c <= cursor || closed.get()) return;
    cursor = c;
    try {
      listener.onEvent(e);
    } catch (RuntimeException ex) {
      log.warn("event listener failed on event {} of task {}", e.seq(), e.taskId(), ex);
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      bus.remove(this);
      if (thread != null && thread != Thread.currentThread()) thread.interrupt();
    }
  }
}
