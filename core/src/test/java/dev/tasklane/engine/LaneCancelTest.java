package dev.tasklane.engine;

import static dev.tasklane.engine.LaneFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.core.BusyPolicy;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.EventType;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskResult;
import dev.tasklane.core.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaneCancelTest {
  @TempDir Path dir;

  @Test
  void queuedTaskIsCanceledAtOnce() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    TaskHandler h = LaneFixture.waitingFor(gate);
    try (Lane lane = LaneFixture.start(dir, Map.of("work", h), b -> b.concurrency(1))) {
      lane.submit(request("a", "work").build());
      TaskId queued = lane.submit(request("b", "work").build()).task().id();
      Task after = lane.cancel(queued);
      assertThat(after.state()).isEqualTo(TaskState.CANCELED);
      gate.countDown();
      assertThat(lane.attempts(queued)).isEmpty();
    }
  }

  @Test
  void cooperativeRunningTaskStopsAndIsCanceled() {
    AtomicBoolean sawCancel = new AtomicBoolean();
    TaskHandler h = ctx -> {
      while (!ctx.isCancelled()) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          sawCancel.set(true);
          throw e;
        }
      }
      sawCancel.set(true);
      return TaskResult.text("should be discarded");
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("work", h), b -> b.cancelGrace(Duration.ofSeconds(30)))) {
      TaskId id = lane.submit(request("a", "work").build()).task().id();
      await().until(() -> lane.require(id).state() == TaskState.RUNNING);
      Task requested = lane.cancel(id);
      assertThat(requested.cancelRequestedAt()).isNotNull();
      await().atMost(Duration.ofSeconds(3)).until(() -> lane.require(id).state() == TaskState.CANCELED);
      assertThat(sawCancel).isTrue();
      assertThat(lane.require(id).result()).isNull();
      assertThat(lane.events(id, 0, 20)).extracting(TaskEvent::type)
          .containsSubsequence(EventType.STARTED, EventType.CANCEL_REQUESTED, EventType.CANCELED);
    }
  }

  @Test
  void handlerIgnoringCancelIsCanceledAfterTheGracePeriodAndItsLateResultDiscarded() throws Exception {
    CountDownLatch finish = new CountDownLatch(1);
    AtomicBoolean returned = new AtomicBoolean();
    TaskHandler stubborn = ctx -> {
      while (finish.getCount() > 0) {
        try {
          finish.await();
        } catch (InterruptedException ignored) {
          // a handler that ignores interrupts
        }
      }
      returned.set(true);
      return TaskResult.text("late");
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("work", stubborn), b -> b.cancelGrace(Duration.ofMillis(300)))) {
      TaskId id = lane.submit(request("a", "work").build()).task().id();
      await().until(() -> lane.require(id).state() == TaskState.RUNNING);
      lane.cancel(id);
      await().atMost(Duration.ofSeconds(3)).until(() -> lane.require(id).state() == TaskState.CANCELED);
      finish.countDown();
      await().until(returned::get);
      await().pollDelay(Duration.ofMillis(200)).until(() -> true);
      Task t = lane.require(id);
      assertThat(t.state()).isEqualTo(TaskState.CANCELED);
      assertThat(t.result()).isNull();
    }
  }

  @Test
  void cancelOfATerminalTaskReturnsItsFinalStateAndUnknownIsNotFound() {
    try (Lane lane = LaneFixture.start(dir, Map.of("work", ctx -> TaskResult.text("done")))) {
      TaskId id = lane.submit(request("a", "work").build()).task().id();
      await().until(() -> lane.require(id).state() == TaskState.COMPLETED);
      assertThat(lane.cancel(id).state()).isEqualTo(TaskState.COMPLETED);
      assertThat(lane.require(id).result().get("text").asText()).isEqualTo("done");
      try {
        lane.cancel(TaskId.of(987654));
        throw new AssertionError("expected not_found");
      } catch (LaneException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
      }
    }
  }

  @Test
  void cancelSessionStopsItsQueuedAndRunningTasksOnly() {
    TaskHandler h = ctx -> {
      while (true) ctx.checkCancelled();
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("work", h))) {
      TaskId running = lane.submit(request("mine", "work").build()).task().id();
      TaskId queued = lane.submit(request("mine", "work").build()).task().id();
      TaskId other = lane.submit(request("other", "work").build()).task().id();
      await().until(() -> lane.require(running).state() == TaskState.RUNNING
          && lane.require(other).state() == TaskState.RUNNING);
      assertThat(lane.cancelSession("mine")).hasSize(2);
      await().atMost(Duration.ofSeconds(3)).until(() -> lane.require(running).state() == TaskState.CANCELED);
      assertThat(lane.require(queued).state()).isEqualTo(TaskState.CANCELED);
      assertThat(lane.require(other).state()).isEqualTo(TaskState.RUNNING);
      lane.cancel(other);
    }
  }

  @Test
  void interruptPolicyCancelsTheRunningTaskAndStartsTheNewOne() {
    TaskHandler h = ctx -> {
      if (ctx.input().has("quick")) return TaskResult.text("new");
      while (true) ctx.checkCancelled();
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("work", h))) {
      TaskId old = lane.submit(request("chat", "work").build()).task().id();
      await().until(() -> lane.require(old).state() == TaskState.RUNNING);
      TaskId fresh = lane.submit(request("chat", "work").input(LaneFixture.json("{\"quick\":1}"))
          .busyPolicy(BusyPolicy.INTERRUPT).build()).task().id();
      await().atMost(Duration.ofSeconds(3)).until(() -> lane.require(fresh).state() == TaskState.COMPLETED);
      assertThat(lane.require(old).state()).isEqualTo(TaskState.CANCELED);
    }
  }
}
