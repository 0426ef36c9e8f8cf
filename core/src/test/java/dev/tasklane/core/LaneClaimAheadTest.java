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
  @TempDir Path dir;

  @Test
  void aSlowTaskAmongQuickOnesHoldsNoOtherTaskAsRunning() {
    CountDownLatch slowMayEnd = new CountDownLatch(1);
    Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
    TaskHandler h = ctx -> {
      runs.computeIfAbsent(ctx.input().get("n").asLong(), n -> new AtomicInteger()).incrementAndGet();
      if (ctx.input().path("slow").asBoolean()) slowMayEnd.await(20, TimeUnit.SECONDS);
      return TaskResult.empty();
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("work", h), b -> b.concurrency(1).claimAhead(1))) {
      // All due at once, so the quick ones run back to back: after the first, each claim takes one
      // task for the slot and one ahead. The slow one comes first in such a pair.
      Instant due = Instant.now().plusMillis(800);
      List<TaskId> ids = new ArrayList<>();
      for (int n = 0; n < 40; n++) {
        String input = n == 21 ? "{\"n\":" + n + ",\"slow\":true}" : "{\"n\":" + n + "}";
        ids.add(lane.submit(request("s" + n, "work").input(json(input)).notBefore(due).build()).task().id());
      }
      TaskId slow = ids.get(21);
      await().atMost(Duration.ofSeconds(10)).until(() -> runs.containsKey(21L));
      // A task claimed ahead of the slow one goes back to the queue within about a second: the
      // only task shown running is the one that runs.
      await().atMost(Duration.ofSeconds(5))
          .until(() -> lane.countByState().get(TaskState.RUNNING) == 1);
      assertThat(lane.require(slow).state()).isEqualTo(TaskState.RUNNING);
      slowMayEnd.countDown();
      await().atMost(Duration.ofSeconds(20))
          .until(() -> ids.stream().allMatch(id -> lane.require(id).state() == TaskState.COMPLETED));
      // Every handler ran once, and a task handed back did not spend an attempt.
      assertThat(runs).hasSize(40).allSatisfy((n, count) -> assertThat(count.get()).isEqualTo(1));
      for (TaskId id : ids) {
        assertThat(lane.attempts(id)).extracting(Attempt::outcome).containsExactly("completed");
      }
      List<TaskEvent> handedBack = ids.stream().flatMap(id -> lane.events(id, 0, 100).stream())
          .filter(e -> e.type() == EventType.RETRYING).toList();
      assertThat(handedBack).allSatisfy(e -> assertThat(e.error().code()).isEqualTo("requeued"));
    }
  }

  @Test
  void claimAheadIsAKnobThatFollowsConcurrencyUnlessSet() {
    assertThat(LaneConfig.defaults().toBuilder().concurrency(8).build().claimAhead()).isEqualTo(32);
    assertThat(LaneConfig.defaults().toBuilder().claimAhead(0).concurrency(8).build().claimAhead()).isZero();
    assertThat(LaneConfig.defaults().toBuilder().claimAhead(2).build().toBuilder().concurrency(16).build()
        .claimAhead()).isEqualTo(2);
    assertThatThrownBy(() -> LaneConfig.defaults().toBuilder().claimAhead(-1).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
