package dev.tasklane.engine;

import dev.tasklane.core.TaskEvent;
import dev.tasklane.store.TaskStore;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the subscriptions of this node every committed event of every node, in the order of their
 * ids, once: on a database several nodes write to, the event table is the truth and a signal only
 * says "some node committed events up to id N".
 *
 * <p>Transactions take event ids in one order and commit in another, so the relay hands on events
 * only up to the store's settled horizon ({@link Reader#settled}): every id at or below it is
 * committed or never will be, so the relay's cursor never passes an event that may still appear.
 * While a transaction in flight holds the horizon below a signalled id, the relay looks again on
 * the next signal (that transaction's own, when it commits) and after {@link #HELD_BACK_MS}.
 *
 * <p>This node's own events are handed on directly when they follow the last one handed on without
 * a gap (the common case with one node): everything before them is final, and they are committed.
 * Otherwise the relay reads the gap, and what follows, from the table on its own thread, never on
 * the writer's.
 *
 * <p>With no subscription open it reads no events and only moves its cursor to the horizon: a
 * subscription replays what is stored up to the horizon before it takes live events, so it misses
 * nothing it was not there for.
 */
final class EventRelay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventRelay.class);
  private static final int PAGE = 1_000;
  /**
   * How soon the relay looks again while a transaction in flight holds the horizon back; it waits
   * twice as long each time it is still held back, up to {@link #IDLE_MS}.
   */
  static final long HELD_BACK_MS = 10;
  /** How often, at most, the relay moves its cursor while nobody listens. */
  private static final long IDLE_MS = 1_000;
  private static final long IDLE_NANOS = IDLE_MS * 1_000_000;

  /** Reads stored events and how far they are final. */
  interface Reader {
    /** Every event id up to the returned one is final (the store's horizon, without waiting; it never goes down). */
    long settled();

    /** Tells the store that every event id up to {@code id} is final. */
    void settledThrough(long id);

    /** Stored events with ids in ({@code afterId}, {@code upTo}], oldest first. */
    List<TaskEvent> between(long afterId, long upTo, int limit);

    static Reader of(TaskStore store) {
      return new Reader() {
        @Override
        public long settled() {
          return store.settledEventIdNow();
        }

        @Override
        public void settledThrough(long id) {
          store.eventsSettledThrough(id);
        }

        @Override
        public List<TaskEvent> between(long afterId, long upTo, int limit) {
          return store.eventsAfter(null, afterId, upTo, limit);
        }
      };
    }
  }

  private final Reader reader;
  private final Consumer<List<TaskEvent>> feeds;
  private final BooleanSupplier anyFeed;
  private final Object lock = new Object();
  /**
   * The id of the last event handed on (or passed while nobody listened); every id up to it is
   * final. Guarded by {@link #lock}.
   */
  private long handedOn;
  /** The highest id known to be committed (may be above the horizon). Guarded by {@link #lock}. */
  private long known;
  /** When the cursor last moved while nobody listened (nanoTime). Guarded by {@link #lock}. */
  private long movedUnheard = System.nanoTime() - IDLE_NANOS;
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
      if (followsWithoutGap(events)) {
        // Before the check for listeners: a subscription that comes after it replays up to here.
        reader.settledThrough(last);
        if (anyFeed.getAsBoolean()) feeds.accept(events);
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
      if (known > handedOn && anyFeed.getAsBoolean()) lock.notifyAll();
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
    long wait = 0;
    long heldBack = HELD_BACK_MS;
    while (!closed) {
      long from;
      synchronized (lock) {
        try {
          if (wait > 0) lock.wait(wait);
          while (!closed && (known <= handedOn || !anyFeed.getAsBoolean())) {
            lock.wait(IDLE_MS);
            // Nobody listens: move the cursor, but not at every gap this node's commits leave (each
            // move reads the horizon, a query on a shared database).
            if (known > handedOn && !anyFeed.getAsBoolean()
                && System.nanoTime() - movedUnheard >= IDLE_NANOS) {
              break;
            }
          }
        } catch (InterruptedException e) {
          return;
        }
        if (closed) return;
        from = handedOn;
      }
      try {
        if (relay(from)) {
          wait = heldBack;
          heldBack = Math.min(heldBack * 2, IDLE_MS);
        } else {
          wait = 0;
          heldBack = HELD_BACK_MS;
        }
      } catch (RuntimeException e) {
        if (closed) return;
        log.warn("reading events of other nodes failed; trying again in a second", e);
        wait = IDLE_MS;
      }
    }
  }

  /** Hands on what is settled after {@code from}; true if a signalled event is still held back. */
  private boolean relay(long from) {
    long settled = reader.settled();
    List<TaskEvent> page = anyFeed.getAsBoolean() ? reader.between(from, settled, PAGE) : null;
    synchronized (lock) {
      if (page == null) {
        // Nobody listened when the horizon was read: a subscription that came since replays up to it.
        if (!anyFeed.getAsBoolean()) handedOn = Math.max(handedOn, settled);
        if (known == Long.MAX_VALUE) known = handedOn;
        movedUnheard = System.nanoTime();
        return false;
      }
      List<TaskEvent> fresh = page.stream().filter(e -> e.id() > handedOn).toList();
      if (!fresh.isEmpty()) {
        feeds.accept(fresh);
        handedOn = fresh.getLast().id();
      }
      if (page.size() < PAGE) {
        handedOn = Math.max(handedOn, settled); // the ids between are final and hold no event
        if (known == Long.MAX_VALUE) known = handedOn;
      }
      return known > handedOn && page.size() < PAGE;
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
