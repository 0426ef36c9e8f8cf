package dev.tasklane.engine;

import dev.tasklane.core.EventListener;
import dev.tasklane.core.TaskEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands committed events to live subscriptions. The writer calls {@link #publish} after each commit,
 * in commit order; each subscription buffers and delivers on its own thread, so a slow subscriber
 * never holds up the writer. On a database other nodes write to as well, subscriptions get their
 * events through an {@link EventRelay}, which merges this node's with the others' in id order.
 */
final class EventBus {
  private static final Logger log = LoggerFactory.getLogger(EventBus.class);

  private final List<EventFeed> feeds = new CopyOnWriteArrayList<>();
  private final List<EventListener> internal = new CopyOnWriteArrayList<>();
  private volatile EventRelay relay;

  /** From now on, subscriptions get events through {@code relay}; this node's own go to it first. */
  void relayThrough(EventRelay relay) {
    this.relay = relay;
  }

  /** This node's committed events: to the internal listeners at once, and on to the subscriptions. */
  void publish(List<TaskEvent> events) {
    for (EventListener l : internal) {
      for (TaskEvent e : events) {
        try {
          l.onEvent(e);
        } catch (RuntimeException ex) {
          log.error("internal event listener failed on {}", e, ex);
        }
      }
    }
    EventRelay r = relay;
    if (r != null) r.local(events);
    else toFeeds(events);
  }

  /** Events in id order, to every subscription. */
  void toFeeds(List<TaskEvent> events) {
    for (EventFeed f : feeds) f.offer(events);
  }

  boolean hasFeeds() {
    return !feeds.isEmpty();
  }

  /** A listener called synchronously on the writer thread: only for the engine's own, quick reactions. */
  void addInternal(EventListener l) {
    internal.add(l);
  }

  void add(EventFeed feed) {
    feeds.add(feed);
  }

  void remove(EventFeed feed) {
    feeds.remove(feed);
  }

  void closeAll() {
    for (EventFeed f : feeds) f.close();
  }
}
