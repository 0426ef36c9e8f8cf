package dev.tasklane.chat;

import dev.tasklane.core.Subscription;
import dev.tasklane.core.Task;
import dev.tasklane.engine.Lane;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits, up to a deadline, for a task to finish: woken by the task's events, not by polling. */
final class TaskWaiter {
  private final Lane lane;

  TaskWaiter(Lane lane) {
    this.lane = lane;
  }

  /**
   * The task as it is when it finished or when {@code deadlineNanos} ({@link System#nanoTime()})
   * passed, whichever comes first.
   */
  Task awaitTerminal(Task task, long deadlineNanos) {
    if (task.isTerminal() || System.nanoTime() >= deadlineNanos) return task;
    CompletableFuture<Void> finished = new CompletableFuture<>();
    try (Subscription ignored = lane.subscribeTask(task.id(), 0, e -> {
      if (e.state().isTerminal()) finished.complete(null);
    })) {
      finished.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // still working: the caller acknowledges instead
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    return lane.get(task.id()).orElse(task);
  }
}
