package dev.tasklane.core;

import static dev.tasklane.core.LaneFixture.json;
import static dev.tasklane.core.LaneFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claiming ahead of free slots while tasks are quick, and what happens when a slow one follows. */
class LaneClaimAheadTest {
  private static final int SLOW = 21;

  @TempDir Path dir;
  private final CountDownLatch slowMayEnd = new CountDownLatch(1);
  private final Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
  private final TaskHandler handler = ctx -> {
    long n = ctx.input().get("n").asLong();
    runs.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
    if (n == SLOW) slowMayEnd.await(20, TimeUnit.SECONDS);
    return TaskResult.empty();
  };

  /**
   * One slot, one task ahead. After a warm-up (so handlers are quick), {@code count} tasks become
   * due at once: the first is claimed alone, then each claim takes one for the slot and one ahead,
   * so the slow task is claimed with the next one waiting behind it.
   */
  private List<TaskId> submitBehindSlow(Lane lane, int count) {
    List<TaskId> warmUp = new ArrayList<>();
    for (int n = 0; n < 50; n++) {
      warmUp.add(lane.submit(request("w" + n, "work").input(json("{\"n\":" + (1000 + n) + "}")).build()).task().id());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> warmUp.stream().allMatch(id -> lane.require(id).isTerminal()));
    Instant due = Instant.now().plusMillis(500);
    List<TaskId> ids = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      ids.add(lane.submit(request("s" + n, "work").input(json("{\"n\":" + n + "}")).notBefore(due).build())
          .task().id());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.containsKey((long) SLOW));
    return ids;
  }

  @Test
  void aTaskClaimedBehindASlowOneGoesBackToTheQueueWithoutSpendingAnAttempt() {
    try (Lane lane = LaneFixture.start(dir, Map.of("work", handler), b -> b.concurrency(1).claimAhead(1))) {
      List<TaskId> ids = submitBehindSlow(lane, 30);
      TaskId behind = ids.get(SLOW + 1);
      assertThat(lane.require(behind).state()).isEqualTo(TaskState.RUNNING); // claimed ahead, waiting
      // Within about a second it is queued again: the only task shown running is the one that runs.
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(behind).state() == TaskState.QUEUED);
      assertThat(lane.countByState().get(TaskState.RUNNING)).isEqualTo(1);
      assertThat(lane.events(behind, 0, 100)).filteredOn(e -> e.type() == EventType.RETRYING).singleElement()
          .satisfies(e -> assertThat(e.error().code()).isEqualTo("requeued"));
      slowMayEnd.countDown();
      await().atMost(Duration.ofSeconds(20))
          .until(() -> ids.stream().allMatch(id -> lane.require(id).state() == TaskState.COMPLETED));
      // Every handler ran once, and the task handed back did not spend an attempt.
      assertThat(runs.entrySet()).filteredOn(e -> e.getKey() < 1000).hasSize(30)
          .allSatisfy(e -> assertThat(e.getValue().get()).isEqualTo(1));
      assertThat(lane.attempts(behind)).extracting(Attempt::outcome).containsExactly("completed");
    }
  }

  @Test
  void aTaskCanceledWhileClaimedAheadEndsCanceledWithoutRunning() {
    try (Lane lane = LaneFixture.start(dir, Map.of("work", handler), b -> b.concurrency(1).claimAhead(1))) {
      List<TaskId> ids = submitBehindSlow(lane, 24);
      TaskId behind = ids.get(SLOW + 1);
      assertThat(lane.require(behind).state()).isEqualTo(TaskState.RUNNING); // claimed ahead, waiting
      lane.cancel(behind);
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(behind).state() == TaskState.CANCELED);
      slowMayEnd.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> lane.require(ids.getLast()).state() == TaskState.COMPLETED);
      assertThat(runs).doesNotContainKey((long) SLOW + 1);
      assertThat(lane.require(behind).state()).isEqualTo(TaskState.CANCELED);
    }
  }

  @Test
  void claimAheadIsAKnobThatFollowsConcurrencyUnlessSet() {
    assertThat(LaneConfig.defaults().toBuilder().concurrency(8).build().claimAhead()).isEqualTo(64);
    assertThat(LaneConfig.defaults().toBuilder().claimAhead(0).concurrency(8).build().claimAhead()).isZero();
    assertThat(LaneConfig.defaults().toBuilder().claimAhead(2).build().toBuilder().concurrency(16).build()
        .claimAhead()).isEqualTo(2);
    assertThatThrownBy(() -> LaneConfig.defaults().toBuilder().claimAhead(-1).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
