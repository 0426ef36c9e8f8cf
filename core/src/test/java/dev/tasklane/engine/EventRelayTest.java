package dev.tasklane.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.core.EventType;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The relay of a node whose commits interleave with other nodes' (every batch of its own events
 * leaves a gap of ids): on PostgreSQL each look at the horizon is a query on the shared database.
 */
class EventRelayTest {
  /** A store whose horizon is always the highest id written so far; counts the looks at it. */
  private static final class Store implements EventRelay.Reader {
    final AtomicLong highest = new AtomicLong();
    final AtomicInteger looks = new AtomicInteger();
    final List<TaskEvent> stored = new CopyOnWriteArrayList<>();

    @Override
    public long settled() {
      looks.incrementAndGet();
      return highest.get();
    }

    @Override
    public void settledThrough(long id) {}

    @Override
    public List<TaskEvent> between(long afterId, long upTo, int limit) {
      return stored.stream().filter(e -> e.id() > afterId && e.id() <= upTo).limit(limit).toList();
    }

    /** This node commits one event, after another node's (the id between). */
    List<TaskEvent> commitAfterAnotherNode() {
      long id = highest.addAndGet(2);
      TaskEvent e = new TaskEvent(id, TaskId.of(id), "s", 1, EventType.COMPLETED, TaskState.COMPLETED, Instant.now(),
          null, null, null, null);
      stored.add(e);
      return List.of(e);
    }
  }

  @Test
  void withNobodyListeningTheHorizonIsReadAtMostAboutOnceASecondHoweverOftenThisNodeCommits() throws Exception {
    Store store = new Store();
    try (EventRelay relay = new EventRelay(store, events -> {}, () -> false, 0)) {
      relay.start();
      long end = System.nanoTime() + Duration.ofMillis(1_500).toNanos();
      int commits = 0;
      while (System.nanoTime() < end) {
        relay.local(store.commitAfterAnotherNode());
        commits++;
        Thread.sleep(5);
      }

      assertThat(commits).isGreaterThan(100);
      assertThat(store.looks.get()).isBetween(1, 3);
    }
  }

  @Test
  void aListenerGetsTheEventsAroundTheGapsAtOnce() throws Exception {
    Store store = new Store();
    AtomicBoolean listening = new AtomicBoolean(true);
    List<Long> heard = new CopyOnWriteArrayList<>();
    try (EventRelay relay = new EventRelay(store, events -> events.forEach(e -> heard.add(e.id())), listening::get,
        0)) {
      relay.start();
      List<Long> committed = new ArrayList<>();
      for (int i = 0; i < 20; i++) committed.add(store.commitAfterAnotherNode().getFirst().id());
      relay.local(store.stored.subList(store.stored.size() - 1, store.stored.size()));

      await().atMost(Duration.ofMillis(500)).untilAsserted(() -> assertThat(heard).containsExactlyElementsOf(committed));
    }
  }
}
