package dev.tasklane.engine;

import static dev.tasklane.engine.LaneFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.core.Attempt;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.EventType;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Submitted;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskError;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskFailure;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.core.TaskResult;
import dev.tasklane.core.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaneFailureTest {
  @TempDir Path dir;

  @Test
  void retryableErrorsRetryWithBackoffUntilSuccessAndEveryAttemptIsRecorded() {
    AtomicInteger calls = new AtomicInteger();
    TaskHandler flaky = ctx -> {
      if (calls.incrementAndGet() < 3) throw TaskFailure.retryable("flaky", "try " + ctx.attempt());
      return TaskResult.text("third time lucky");
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("work", flaky))) {
      TaskId id = lane.submit(request("s", "work").build()).task().id();
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(id).state() == TaskState.COMPLETED);
      Task t = lane.require(id);
      assertThat(t.attempt()).isEqualTo(3);
      List<Attempt> attempts = lane.attempts(id);
      assertThat(attempts).extracting(Attempt::number).containsExactly(1, 2, 3);
      assertThat(attempts).extracting(Attempt::outcome).containsExactly("retrying", "retrying", "completed");
      assertThat(attempts.get(0).error().message()).isEqualTo("try 1");
      assertThat(attempts).allSatisfy(a -> assertThat(a.finishedAt()).isAfterOrEqualTo(a.startedAt()));
      // Backoff: the second attempt started at least ~retryBase after the first ended (minus jitter).
      assertThat(Duration.between(attempts.get(0).finishedAt(), attempts.get(1).startedAt()))
          .isGreaterThanOrEqualTo(Duration.ofMillis(40));
      assertThat(lane.events(id, 0, 50)).extracting(TaskEvent::type).filteredOn(e -> e == EventType.RETRYING)
          .hasSize(2);
    }
  }

  @Test
  void retryableErrorFailsWhenAttemptsAreExhausted() {
    try (Lane lane = LaneFixture.start(dir, Map.of("work", ctx -> {
      throw new IllegalStateException("always broken");
    }))) {
      TaskId id = lane.submit(request("s", "work").maxAttempts(2).build()).task().id();
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(id).isTerminal());
      Task t = lane.require(id);
      assertThat(t.state()).isEqualTo(TaskState.FAILED);
      assertThat(t.error().code()).isEqualTo(TaskError.HANDLER_ERROR);
      assertThat(t.error().message()).contains("always broken").contains("attempt 2 of 2");
      assertThat(lane.attempts(id)).hasSize(2);
    }
  }

  @Test
  void permanentFailureFailsAtOnceWithItsCode() {
    try (Lane lane = LaneFixture.start(dir, Map.of("work", ctx -> {
      throw TaskFailure.permanent("bad_input", "no such file");
    }))) {
      TaskId id = lane.submit(request("s", "work").build()).task().id();
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(id).isTerminal());
      Task t = lane.require(id);
      assertThat(t.state()).isEqualTo(TaskState.FAILED);
      assertThat(t.error()).isEqualTo(new TaskError("bad_input", "no such file", false));
      assertThat(lane.attempts(id)).hasSize(1);
    }
  }

  @Test
  void retryAfterFromTheHandlerIsHonoured() {
    AtomicInteger calls = new AtomicInteger();
    TaskHandler limited = ctx -> {
      if (calls.incrementAndGet() == 1) {
        throw TaskFailure.retryAfter("rate_limited", "429", Duration.ofMillis(600));
      }
      return TaskResult.empty();
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("work", limited))) {
      TaskId id = lane.submit(request("s", "work").build()).task().id();
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(id).state() == TaskState.COMPLETED);
      List<Attempt> a = lane.attempts(id);
      assertThat(Duration.between(a.get(0).finishedAt(), a.get(1).startedAt()))
          .isGreaterThanOrEqualTo(Duration.ofMillis(590));
    }
  }

  @Test
  void attemptPastItsDeadlineIsInterruptedAndFailsWithTimeout() {
    try (Lane lane = LaneFixture.start(dir, Map.of("work", ctx -> {
      Thread.sleep(60_000);
      return TaskResult.empty();
    }))) {
      TaskId id = lane.submit(request("s", "work").deadline(Duration.ofMillis(300)).build()).task().id();
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(id).isTerminal());
      Task t = lane.require(id);
      assertThat(t.state()).isEqualTo(TaskState.FAILED);
      assertThat(t.error().code()).isEqualTo(TaskError.TIMEOUT);
      assertThat(Duration.between(t.startedAt(), t.finishedAt())).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void unknownKindIsRefusedAtSubmit() {
    try (Lane lane = LaneFixture.start(dir, Map.of("work", ctx -> TaskResult.empty()))) {
      try {
        lane.submit(request("s", "nope").build());
        throw new AssertionError("expected bad_request");
      } catch (LaneException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.getMessage()).contains("nope").contains("work");
      }
      assertThat(lane.list(TaskQuery.all()).items()).isEmpty();
    }
  }

  @Test
  void retryOfATerminalTaskSubmitsAFreshCopy() {
    AtomicInteger calls = new AtomicInteger();
    TaskHandler h = ctx -> {
      if (calls.incrementAndGet() == 1) throw TaskFailure.permanent("boom", "first run fails");
      return TaskResult.text("ok");
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("work", h))) {
      TaskId id = lane.submit(request("s", "work").input(LaneFixture.json("{\"a\":1}")).build()).task().id();
      await().until(() -> lane.require(id).state() == TaskState.FAILED);
      Submitted again = lane.retry(id);
      assertThat(again.task().id()).isNotEqualTo(id);
      assertThat(again.task().input()).isEqualTo(lane.require(id).input());
      await().until(() -> lane.require(again.task().id()).state() == TaskState.COMPLETED);
    }
  }
}
