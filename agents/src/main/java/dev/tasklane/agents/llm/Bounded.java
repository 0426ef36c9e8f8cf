package dev.tasklane.agents.llm;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs blocking I/O on its own virtual thread and waits at most a given time: a stalled server can
 * never hold a task past the limit, and an interrupt of the waiting thread reaches the I/O too.
 */
final class Bounded {
  private Bounded() {}

  static <T> T call(String name, Duration max, Callable<T> work)
      throws TimeoutException, InterruptedException, ExecutionException {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread worker = Thread.ofVirtual().name(name).start(() -> {
      try {
        result.complete(work.call());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    try {
      return result.get(max.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      if (!result.isDone()) worker.interrupt();
    }
  }
}
