package dev.tasklane.store.sqlite;

import dev.tasklane.store.SqlWork;
import java.util.concurrent.CountDownLatch;

/**
 * Holds a writer inside a batch of its own until released, so that the writes queued meanwhile
 * commit together as the next batch, in the order they were queued.
 */
final class HeldWriter {
  private final CountDownLatch running = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  /** The unit that holds the writer; queue it, then {@link #awaitHeld}. */
  SqlWork<Void> unit() {
    return unit(tx -> null);
  }

  /** Like {@link #unit()}, then, once released, runs {@code then} in the same unit. */
  <T> SqlWork<T> unit(SqlWork<T> then) {
    return tx -> {
      running.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return then.run(tx);
    };
  }

  void awaitHeld() throws InterruptedException {
    running.await();
  }

  void release() {
    release.countDown();
  }
}
