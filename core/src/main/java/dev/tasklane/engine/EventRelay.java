package dev.tasklane.engine;

import dev.tasklane.core.TaskEvent;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the subscriptions of this node every committed event of every node, in the order of their
 * ids, once: on a database several nodes write to, the event table is the truth and a signal only
 * says "events up to id N are committed".
 *
 * <p>Why the id order is the commit order: the store takes event ids under a lock held until the
 * commit, so events become visible in the order of their ids on every node. Reading "after the last
 * id handed on" therefore never skips an event that commits later, and this node's own events are
 * handed on directly when they follow the last one without a gap (the common case on one node);
 * otherwise the relay reads the gap, and what follows, from the table on its own thread, never on
 * the writer's.
 *
 * <p>With no subscription open it reads nothing and only moves its cursor: a subscription replays
 * what is stored before it takes live events, so it misses nothing it was not there for.
 */
final class EventRelay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventRelay.class);
  private static final int PAGE = 1_000;

  /** Reads stored events after a global id, oldest first. */
  interface Reader {
    List<TaskEvent> after(long afterId, int limit);
  }

  private final Reader reader;
  private final Consumer<List<TaskEvent>> feeds;
  private final BooleanSupplier anyFeed;
  private final Object lock = new Object();
  /** The id of the last event handed on (or passed while nobody listened). Guarded by {@link #lock}. */
  private long handedOn;
  /** The highest id known to be committed. Guarded by {@link #lock}. */
  private long known;
  private volatile boolean closed;
  private Thread thread;

  EventRelay(Reader reader, Consumer<List<TaskEvent>> feeds, BooleanSupplier anyFeed, long lastEventId) {
    this.reader = reader;
    this.feeds = feeds;
    this.anyFeed = anyFeed;
    this.handedOn = lastEventId;
    this.known = lastEventId;
  }

  void start() {
    thread = Thread.ofVirtual().name("tasklane-event-relay").start(this::loop);
  }

  /** Events this node committed (on the writer's thread, after the commit, in commit order). */
  void local(List<TaskEvent> events) {
    if (events.isEmpty()) return;
    synchronized (lock) {
      long last = events.getLast().id();
      known = Math.max(known, last);
      if (last <= handedOn) return;
      if (!anyFeed.getAsBoolean()) {
        handedOn = last;
        return;
      }
      if (followsWithoutGap(events)) {
        feeds.accept(events);
        handedOn = last;
        return;
      }
      lock.notifyAll(); // the gap is read on the relay's thread
    }
  }

  /** Some node committed events up to {@code lastId} (a signal). */
  void committed(long lastId) {
    synchronized (lock) {
      known = Math.max(known, lastId);
      if (known <= handedOn) return;
      if (!anyFeed.getAsBoolean()) {
        handedOn = known;
        return;
      }
      lock.notifyAll();
    }
  }

  /** The safety net: while anyone listens, looks for events a signal did not announce. */
  void poll() {
    if (anyFeed.getAsBoolean()) catchUp();
  }

  /** Signals may have been missed: read whatever is stored after the cursor. */
  void catchUp() {
    synchronized (lock) {
      known = Long.MAX_VALUE;
      lock.notifyAll();
    }
  }

  private boolean followsWithoutGap(List<TaskEvent> events) {
    long expected = handedOn + 1;
    for (TaskEvent e : events) {
      if (e.id() != expected) return false;
      expected++;
    }
    return true;
  }

  private void loop() {
    while (!closed) {
      long from;
      synchronized (lock) {
        while (!closed && (known <= handedOn || !anyFeed.getAsBoolean())) {
          if (known > handedOn && known != Long.MAX_VALUE) handedOn = known; // nobody listens
          try {
            lock.wait(1_000);
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) return;
        from = handedOn;
      }
      try {
        List<TaskEvent> page = reader.after(from, PAGE);
        synchronized (lock) {
          List<TaskEvent> fresh = page.stream().filter(e -> e.id() > handedOn).toList();
          if (!fresh.isEmpty()) {
            feeds.accept(fresh);
            handedOn = fresh.getLast().id();
          }
          if (page.size() < PAGE && known == Long.MAX_VALUE) known = handedOn;
          if (page.isEmpty() && known > handedOn) known = handedOn; // ids given up by rolled-back writes
        }
      } catch (RuntimeException e) {
        if (closed) return;
        log.warn("reading events of other nodes failed; trying again in a second", e);
        sleepQuietly();
      }
    }
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    if (thread != null) thread.interrupt();
  }
}
