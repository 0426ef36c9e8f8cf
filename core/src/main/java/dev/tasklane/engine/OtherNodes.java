package dev.tasklane.engine;

import dev.tasklane.core.TaskId;
import dev.tasklane.engine.claim.Dispatcher;
import dev.tasklane.store.Signals;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node hears from the other nodes sharing its database: a submit or a freed slot wakes
 * its dispatcher (if it has a free slot), a cancel of a task running here stops the handler at once,
 * and committed events reach its subscriptions through the {@link EventRelay}. Signals are hints:
 * after a lost connection the node claims, reads events and renews its leases (which reports
 * cancels) as if told, and the dispatcher and relay also look by themselves every maintenance tick.
 */
final class OtherNodes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OtherNodes.class);

  /** What the signals act on. */
  record Targets(String nodeId, Dispatcher dispatcher, EventRelay relay, Consumer<TaskId> cancelHere,
      Runnable renewLeases) {}

  private final Signals signals;
  private final Targets t;
  private final List<AutoCloseable> listening = new ArrayList<>();
  private ScheduledFuture<?> safetyNet;

  OtherNodes(Signals signals, Targets targets) {
    this.signals = signals;
    this.t = targets;
  }

  void start(ScheduledExecutorService timers, long tickMillis) {
    listening.add(signals.listen(Signals.WAKE, new Signals.Listener() {
      @Override
      public void signal(String from) {
        if (!t.nodeId().equals(from) && t.dispatcher().hasFreeSlot()) t.dispatcher().wake();
      }

      @Override
      public void reconnected() {
        t.dispatcher().wake();
        t.relay().catchUp();
        Thread.startVirtualThread(t.renewLeases());
      }
    }));
    listening.add(signals.listen(Signals.CANCEL, id -> {
      try {
        t.cancelHere().accept(TaskId.parse(id));
      } catch (IllegalArgumentException e) {
        log.warn("ignoring a cancel signal for '{}': not a task id", id);
      }
    }));
    listening.add(signals.listen(Signals.EVENTS, lastId -> {
      try {
        t.relay().committed(Long.parseLong(lastId));
      } catch (NumberFormatException e) {
        log.warn("ignoring an events signal '{}': not an event id", lastId);
      }
    }));
    safetyNet = timers.scheduleWithFixedDelay(t.relay()::poll, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    if (safetyNet != null) safetyNet.cancel(false);
    for (AutoCloseable l : listening) {
      try {
        l.close();
      } catch (Exception e) {
        log.debug("closing a signal listener", e);
      }
    }
  }
}
