package dev.tasklane.engine;

import static dev.tasklane.engine.LaneFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.core.MutableClock;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskResult;
import dev.tasklane.core.TaskState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaneLifecycleTest {
  @TempDir Path dir;

  @Test
  void shutdownHandsUnfinishedTasksBackWithoutSpendingAnAttemptAndTheNextStartRunsThem() {
    TaskHandler slow = ctx -> {
      Thread.sleep(60_000);
      return TaskResult.empty();
    };
    TaskId id;
    try (Lane lane = LaneFixture.start(dir, Map.of("work", slow))) {
      id = lane.submit(request("s", "work").maxAttempts(1).build()).task().id();
      await().until(() -> lane.require(id).state() == TaskState.RUNNING);
      lane.shutdown(Duration.ofMillis(200));
      Task t = lane.require(id);
      assertThat(t.state()).isEqualTo(TaskState.QUEUED);
      assertThat(t.attempt()).isZero();
    }
    try (Lane lane = LaneFixture.start(dir, Map.of("work", ctx -> TaskResult.text("second life")))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(id).state() == TaskState.COMPLETED);
      assertThat(lane.require(id).attempt()).isEqualTo(1);
    }
  }

  @Test
  void heartbeatsKeepALongTaskLeasedBeyondTheLeaseDuration() {
    TaskHandler longer = ctx -> {
      Thread.sleep(2_500);
      return TaskResult.text("one attempt");
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("work", longer),
        b -> b.leaseDuration(Duration.ofSeconds(1)).heartbeatInterval(Duration.ofMillis(200)))) {
      TaskId id = lane.submit(request("s", "work").build()).task().id();
      await().atMost(Duration.ofSeconds(10)).until(() -> lane.require(id).isTerminal());
      assertThat(lane.require(id).state()).isEqualTo(TaskState.COMPLETED);
      assertThat(lane.attempts(id)).hasSize(1);
    }
  }

  @Test
  void shutdownLetsRunningTasksFinishWithinTheGracePeriod() {
    TaskHandler brief = ctx -> {
      Thread.sleep(300);
      return TaskResult.text("finished");
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("work", brief))) {
      TaskId id = lane.submit(request("s", "work").build()).task().id();
      await().until(() -> lane.require(id).state() == TaskState.RUNNING);
      lane.shutdown(Duration.ofSeconds(5));
      assertThat(lane.require(id).state()).isEqualTo(TaskState.COMPLETED);
    }
  }

  @Test
  void terminalTasksAndTheirEventsArePurgedAfterTheRetentionPeriod() {
    MutableClock clock = new MutableClock();
    try (Lane lane = LaneFixture.start(dir, Map.of("work", ctx -> TaskResult.empty()), b -> b, clock)) {
      TaskId old = lane.submit(request("s", "work").build()).task().id();
      await().until(() -> lane.require(old).isTerminal());
      clock.advance(Duration.ofDays(6));
      TaskId recent = lane.submit(request("s", "work").build()).task().id();
      await().until(() -> lane.require(recent).isTerminal());
      await().pollDelay(Duration.ofMillis(500)).until(() -> true);
      assertThat(lane.get(old)).isPresent(); // 6 days: kept
      clock.advance(Duration.ofDays(1).plusMinutes(2));
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.get(old).isEmpty());
      assertThat(lane.events(old, 0, 10)).isEmpty();
      assertThat(lane.get(recent)).isPresent();
    }
  }

  @Test
  void tasksSurviveARestartOfTheLane() {
    TaskId id;
    try (Lane lane = LaneFixture.start(dir, Map.of("work", ctx -> TaskResult.text("kept")))) {
      id = lane.submit(request("s", "work").build()).task().id();
      await().until(() -> lane.require(id).isTerminal());
    }
    try (Lane lane = LaneFixture.start(dir, Map.of("work", ctx -> TaskResult.empty()), b -> b, Clock.systemUTC())) {
      assertThat(lane.require(id).result().get("text").asText()).isEqualTo("kept");
      assertThat(lane.events(id, 0, 10)).hasSize(3);
    }
  }
}
