package dev.tasklane.engine;

import static dev.tasklane.engine.LaneFixture.json;
import static dev.tasklane.engine.LaneFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.core.EventType;
import dev.tasklane.core.Submitted;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskResult;
import dev.tasklane.core.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaneRunTest {
  @TempDir Path dir;

  @Test
  void submitWakesAnIdleWorkerWithoutWaitingForAPoll() {
    // The safety-net poll is a minute away: only a direct wake-up can start the task in time.
    try (Lane lane = LaneFixture.start(dir, Map.of("echo", ctx -> TaskResult.of(ctx.input())),
        b -> b.maintenanceInterval(Duration.ofMinutes(1)))) {
      await().pollDelay(Duration.ofMillis(300)).until(() -> true); // let the dispatcher go idle
      Submitted s = lane.submit(request("s", "echo").input(json("{\"n\":1}")).build());
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(s.task().id()).isTerminal());
      assertThat(lane.require(s.task().id()).result().get("n").asInt()).isEqualTo(1);
    }
  }

  @Test
  void aSubmitSaysHowManyQueuedTasksRunBeforeIt() {
    CountDownLatch gate = new CountDownLatch(1);
    try (Lane lane = LaneFixture.start(dir, Map.of("work", LaneFixture.waitingFor(gate)), b -> b.concurrency(1))) {
      TaskId first = lane.submit(request("s0", "work").build()).task().id();
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(first).state() == TaskState.RUNNING);
      assertThat(lane.submit(request("s1", "work").build()).position()).isZero();
      assertThat(lane.submit(request("s2", "work").build()).position()).isEqualTo(1);
      assertThat(lane.submit(request("s3", "work").priority(9).build()).position()).isZero();
      assertThat(lane.submit(request("s4", "work").build()).position()).isEqualTo(3);
      gate.countDown();
    }
  }

  @Test
  void aTaskQueuedBehindItsSessionsRunningTaskIsNotNextInLine() {
    CountDownLatch gate = new CountDownLatch(1);
    try (Lane lane = LaneFixture.start(dir, Map.of("work", LaneFixture.waitingFor(gate)), b -> b.concurrency(4))) {
      TaskId first = lane.submit(request("s0", "work").build()).task().id();
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(first).state() == TaskState.RUNNING);
      // Workers are free, but the session runs one task at a time: the running one goes first.
      Submitted second = lane.submit(request("s0", "work").build());
      assertThat(second.position()).isEqualTo(1);
      assertThat(lane.position(second.task().id())).isEqualTo(1);
      gate.countDown();
    }
  }

  @Test
  void runsAtMostTheGlobalConcurrencyAtOnce() throws Exception {
    AtomicInteger now = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    TaskHandler h = ctx -> {
      peak.accumulateAndGet(now.incrementAndGet(), Math::max);
      release.await(10, TimeUnit.SECONDS);
      now.decrementAndGet();
      return TaskResult.empty();
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("work", h), b -> b.concurrency(3))) {
      List<TaskId> ids = new ArrayList<>();
      for (int i = 0; i < 8; i++) ids.add(lane.submit(request("s" + i, "work").build()).task().id());
      await().atMost(Duration.ofSeconds(5)).until(() -> now.get() == 3);
      await().pollDelay(Duration.ofMillis(300)).until(() -> true);
      assertThat(lane.runningHere()).isEqualTo(3);
      assertThat(lane.countByState().get(TaskState.QUEUED)).isEqualTo(5);
      release.countDown();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> ids.stream().allMatch(id -> lane.require(id).state() == TaskState.COMPLETED));
      assertThat(peak.get()).isEqualTo(3);
    }
  }

  @Test
  void aSessionsTasksRunOneAtATimeInSubmissionOrder() {
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    TaskHandler h = ctx -> {
      peak.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      Thread.sleep(20);
      order.add(ctx.input().get("n").asText());
      concurrent.decrementAndGet();
      return TaskResult.empty();
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("work", h), b -> b.concurrency(4))) {
      List<TaskId> ids = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        ids.add(lane.submit(request("chat:1", "work").input(json("{\"n\":\"" + i + "\"}")).build()).task().id());
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> order.size() == 6);
      assertThat(order).containsExactly("0", "1", "2", "3", "4", "5");
      assertThat(peak.get()).isEqualTo(1);
    }
  }

  @Test
  void higherPriorityRunsFirst() throws Exception {
    List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch gate = new CountDownLatch(1);
    TaskHandler h = ctx -> {
      if (ctx.input().has("gate")) gate.await(5, TimeUnit.SECONDS);
      else order.add(ctx.task().priority());
      return TaskResult.empty();
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("work", h), b -> b.concurrency(1))) {
      lane.submit(request("g", "work").input(json("{\"gate\":true}")).build());
      await().until(() -> lane.runningHere() == 1);
      for (int p : new int[] {1, 9, 5, 10, 0}) lane.submit(request("s" + p, "work").priority(p).build());
      gate.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> order.size() == 5);
      assertThat(order).containsExactly(10, 9, 5, 1, 0);
    }
  }

  @Test
  void perKindLimitCapsThatKindOnly() throws Exception {
    AtomicInteger slow = new AtomicInteger();
    AtomicInteger slowPeak = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    TaskHandler slowHandler = ctx -> {
      slowPeak.accumulateAndGet(slow.incrementAndGet(), Math::max);
      release.await(10, TimeUnit.SECONDS);
      slow.decrementAndGet();
      return TaskResult.empty();
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("slow", slowHandler, "fast", ctx -> TaskResult.empty()),
        b -> b.concurrency(4).perKind(Map.of("slow", 1)))) {
      for (int i = 0; i < 3; i++) lane.submit(request("s" + i, "slow").build());
      TaskId fast = lane.submit(request("f", "fast").build()).task().id();
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(fast).state() == TaskState.COMPLETED);
      assertThat(slow.get()).isEqualTo(1);
      release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> lane.countByState().get(TaskState.COMPLETED) == 4);
      assertThat(slowPeak.get()).isEqualTo(1);
    }
  }

  @Test
  void delayedTaskStartsWhenDueNotBefore() {
    try (Lane lane = LaneFixture.start(dir, Map.of("work", ctx -> TaskResult.empty()))) {
      var start = lane.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
      TaskId id = lane.submit(request("s", "work").notBefore(start.plusMillis(700)).build()).task().id();
      await().pollDelay(Duration.ofMillis(300)).until(() -> true);
      assertThat(lane.require(id).state()).isEqualTo(TaskState.QUEUED);
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(id).state() == TaskState.COMPLETED);
      assertThat(lane.require(id).startedAt()).isAfterOrEqualTo(start.plusMillis(700));
    }
  }

  @Test
  void queuedTaskPastItsExpiryBecomesExpired() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    TaskHandler h = LaneFixture.waitingFor(gate);
    try (Lane lane = LaneFixture.start(dir, Map.of("work", h), b -> b.concurrency(1))) {
      lane.submit(request("a", "work").build());
      TaskId id = lane.submit(request("b", "work").expiresAt(lane.clock().instant().plusMillis(300)).build())
          .task().id();
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(id).state() == TaskState.EXPIRED);
      gate.countDown();
      assertThat(lane.events(id, 0, 10)).extracting(TaskEvent::type)
          .containsExactly(EventType.CREATED, EventType.EXPIRED);
    }
  }
}
