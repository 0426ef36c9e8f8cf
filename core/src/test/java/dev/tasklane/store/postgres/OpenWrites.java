package dev.tasklane.store.postgres;

import dev.tasklane.store.Database;
import dev.tasklane.store.SqlWork;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Writes held open on purpose, for tests of transactions that commit in another order than they began. */
public final class OpenWrites {
  private OpenWrites() {}

  /**
   * Runs {@code work} in a write on {@code db} and keeps its transaction open until {@code release}
   * (counting {@code done} down once the work ran); then commits, or with {@code fail} rolls back.
   */
  public static <T> CompletableFuture<T> hold(Database db, SqlWork<T> work, CountDownLatch done,
      CountDownLatch release, boolean fail) {
    return db.writeAsync(tx -> {
      T result = work.run(tx);
      done.countDown();
      try {
        if (!release.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("never released");
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      if (fail) throw new IllegalStateException("rolled back on purpose");
      return result;
    });
  }
}
