package dev.tasklane.store.postgres;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The queue of a thread that works in batches (the writer, the notifier): it takes whatever waits,
 * all at once, until it meets the stop mark, which {@link #stop} queues behind everything else.
 */
final class Batches<T> {
  private final LinkedBlockingQueue<T> queue = new LinkedBlockingQueue<>();
  private final T stopMark;

  Batches(T stopMark) {
    this.stopMark = stopMark;
  }

  void add(T item) {
    queue.add(item);
  }

  void addAll(List<T> items) {
    queue.addAll(items);
  }

  /**
   * Waits for an item, then moves it and up to {@code max - 1} more that wait into {@code batch}.
   * True if the stop mark was among them (it is not put in the batch).
   */
  boolean takeInto(List<T> batch, int max) {
    T first = take();
    if (first == stopMark) {
      joinInto(batch, max - 1);
      return true;
    }
    batch.add(first);
    return joinInto(batch, max - 1);
  }

  /**
   * Moves up to {@code room} items that wait into {@code batch}, without waiting. True if the stop
   * mark was among them (it is not put in the batch).
   */
  boolean joinInto(List<T> batch, int room) {
    int before = batch.size();
    queue.drainTo(batch, room);
    return batch.subList(before, batch.size()).remove(stopMark);
  }

  private T take() {
    while (true) {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        // only the stop mark ends the thread
      }
    }
  }

  /** Queues the stop mark behind what waits, and waits up to 10 s for {@code thread} to end. */
  void stop(Thread thread) {
    queue.add(stopMark);
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
