package dev.tasklane.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs the same body on several virtual threads at once and fails if any of them failed. */
final class Concurrently {
  private Concurrently() {}

  /** The body of thread {@code index}. */
  @FunctionalInterface
  interface Body {
    void run(int index) throws Exception;
  }

  static void run(int threads, Body body) throws Exception {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int index = i;
        futures.add(pool.submit(() -> {
          body.run(index);
          return null;
        }));
      }
      try {
        for (Future<?> f : futures) f.get();
      } catch (ExecutionException e) {
        futures.forEach(f -> f.cancel(true));
        if (e.getCause() instanceof Exception cause) throw cause;
        throw e;
      }
    }
  }
}
