package dev.tasklane.engine;

import static dev.tasklane.engine.LaneFixture.json;
import static dev.tasklane.engine.LaneFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.core.EventType;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.core.TaskResult;
import dev.tasklane.core.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees is the truth: a task is running, with a start time and a {@code started} event,
 * only once its handler has started. Quick tasks queued behind a slow one stay queued to everyone
 * who looks, even right after a stream of quick tasks (which once made the lane claim them ahead).
 */
class LaneHonestStatesTest {
  private static final int SLOW = 0;

  @TempDir Path dir;
  private final CountDownLatch slowMayEnd = new CountDownLatch(1);
  private final Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
  private final TaskHandler handler = ctx -> {
    long n = ctx.input().get("n").asLong();
    runs.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
    if (n == SLOW) slowMayEnd.await(20, TimeUnit.SECONDS);
    return TaskResult.empty();
  };

  @Test
  void tasksWaitingForASlotStayQueuedAndACancelOfOneIsImmediate() {
    try (Lane lane = LaneFixture.start(dir, Map.of("work", handler), b -> b.concurrency(1))) {
      List<TaskId> warmUp = new ArrayList<>();
      for (int n = 0; n < 50; n++) {
        warmUp.add(lane.submit(request("w" + n, "work").input(json("{\"n\":" + (1000 + n) + "}")).build()).task().id());
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> warmUp.stream().allMatch(id -> lane.require(id).isTerminal()));
      Instant due = Instant.now().plusMillis(300);
      List<TaskId> ids = new ArrayList<>();
      for (int n = 0; n < 8; n++) {
        ids.add(lane.submit(request("s" + n, "work").input(json("{\"n\":" + n + "}")).notBefore(due).build())
            .task().id());
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> runs.containsKey((long) SLOW));
      List<TaskId> behind = ids.subList(1, ids.size());

      assertThat(lane.countByState().get(TaskState.RUNNING)).isEqualTo(1);
      assertThat(lane.list(TaskQuery.all().withStates(Set.of(TaskState.RUNNING))).items()).extracting(Task::id)
          .containsExactly(ids.get(SLOW));
      for (TaskId id : behind) {
        Task t = lane.require(id);
        assertThat(t.state()).as("task %s", id).isEqualTo(TaskState.QUEUED);
        assertThat(t.startedAt()).isNull();
        assertThat(lane.events(id, 0, 10)).extracting(TaskEvent::type).containsExactly(EventType.CREATED);
      }
      assertThat(lane.cancel(behind.getFirst()).state()).isEqualTo(TaskState.CANCELED);

      slowMayEnd.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> ids.stream().allMatch(id -> lane.require(id).isTerminal()));
      assertThat(runs).doesNotContainKey(1L); // the canceled one never ran
      for (TaskId id : behind.subList(1, behind.size())) {
        assertThat(lane.require(id).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(lane.attempts(id)).singleElement().satisfies(a -> assertThat(a.number()).isOne());
      }
    }
  }
}
