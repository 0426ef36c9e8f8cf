package dev.tasklane.engine;

import static dev.tasklane.engine.LaneFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tasklane.core.BusyPolicy;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Submitted;
import dev.tasklane.core.TaskContext;
import dev.tasklane.core.TaskFailure;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.core.TaskResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaneLimitsTest {
  @TempDir Path dir;

  private Lane lane(int maxInput, int maxPending) {
    // No handler ever finishes here: tasks stay pending so the counts are exact.
    TaskHandler never = ctx -> {
      Thread.sleep(60_000);
      return TaskResult.empty();
    };
    return LaneFixture.start(dir, Map.of("work", never),
        b -> b.maxInputBytes(maxInput).maxPendingPerSession(maxPending).concurrency(1));
  }

  @Test
  void inputAtTheSizeLimitIsAcceptedOneByteMoreIsTooLarge() {
    try (Lane lane = lane(100, 50)) {
      String fits = "x".repeat(98); // as JSON: the string plus two quotes = 100 bytes
      assertThat(lane.submit(request("s", "work").input(TextNode.valueOf(fits)).build()).created()).isTrue();
      assertThatThrownBy(() -> lane.submit(request("s", "work").input(TextNode.valueOf(fits + "x")).build()))
          .isInstanceOf(LaneException.class)
          .satisfies(e -> assertThat(((LaneException) e).code()).isEqualTo(ErrorCode.TOO_LARGE))
          .hasMessageContaining("101 bytes").hasMessageContaining("100");
      assertThat(lane.list(TaskQuery.all()).items()).hasSize(1);
    }
  }

  @Test
  void pendingTasksPerSessionAreCappedAtTheLimit() {
    try (Lane lane = lane(1 << 20, 3)) {
      for (int i = 0; i < 3; i++) lane.submit(request("chat", "work").build());
      assertThatThrownBy(() -> lane.submit(request("chat", "work").build())).isInstanceOf(LaneException.class)
          .satisfies(e -> assertThat(((LaneException) e).code()).isEqualTo(ErrorCode.RATE_LIMITED));
      assertThat(lane.list(TaskQuery.session("chat")).items()).hasSize(3);
      assertThat(lane.submit(request("elsewhere", "work").build()).created()).isTrue();
    }
  }

  @Test
  void badRequestsAreRefusedWithClearMessagesAndChangeNothing() {
    try (Lane lane = lane(1 << 20, 50)) {
      assertBad(() -> lane.submit(request("", "work").build()), "sessionKey");
      assertBad(() -> lane.submit(request("s", "work").priority(11).build()), "priority");
      assertBad(() -> lane.submit(request("s", "work").priority(-1).build()), "priority");
      assertBad(() -> lane.submit(request("s", "work").maxAttempts(0).build()), "maxAttempts");
      assertBad(() -> lane.submit(request("s", "work").deadline(java.time.Duration.ZERO).build()), "deadline");
      assertBad(() -> lane.submit(request("s".repeat(257), "work").build()), "sessionKey");
      assertBad(() -> lane.submit(request("s", "work")
          .expiresAt(lane.clock().instant().minusSeconds(1)).build()), "expiresAt");
      assertThat(lane.list(TaskQuery.all()).items()).isEmpty();
      assertThat(lane.submit(request("s", "work").priority(10).maxAttempts(100).build()).created()).isTrue();
    }
  }

  /** A handler that says an input is wrong has it refused at the submit, in a fan-out too. */
  @Test
  void anInputItsHandlerRefusesIsABadRequestThatStoresNothing() {
    TaskHandler picky = new TaskHandler() {
      @Override
      public TaskResult run(TaskContext ctx) {
        return TaskResult.empty();
      }

      @Override
      public void checkInput(JsonNode input) throws TaskFailure {
        if (!input.has("text")) throw TaskFailure.permanent("bad_input", "\"text\" is missing");
      }
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("picky", picky), b -> b.concurrency(0))) {
      assertBad(() -> lane.submit(request("s", "picky").build()), "the picky input is wrong: \"text\" is missing");
      assertBad(() -> lane.fanOut(request("s", "picky").input(text("ok")).build(),
          List.of(request("s", "picky").input(text("ok")).build(), request("s", "picky").build())), "\"text\"");
      assertThat(lane.list(TaskQuery.all()).items()).isEmpty();
      assertThat(lane.submit(request("s", "picky").input(text("ok")).build()).created()).isTrue();
    }
  }

  private static JsonNode text(String value) {
    return JsonNodeFactory.instance.objectNode().put("text", value);
  }

  @Test
  void sameIdempotencyKeyGivesTheSameTaskAndADifferentInputIsAConflict() {
    try (Lane lane = lane(1 << 20, 50)) {
      Submitted a = lane.submit(request("s", "work").idempotencyKey("msg-1").input(TextNode.valueOf("hi")).build());
      Submitted b = lane.submit(request("s", "work").idempotencyKey("msg-1").input(TextNode.valueOf("hi")).build());
      assertThat(b.created()).isFalse();
      assertThat(b.task().id()).isEqualTo(a.task().id());
      assertThatThrownBy(() -> lane.submit(request("s", "work").idempotencyKey("msg-1")
          .input(TextNode.valueOf("bye")).build()))
          .satisfies(e -> assertThat(((LaneException) e).code()).isEqualTo(ErrorCode.CONFLICT));
      assertThat(lane.list(TaskQuery.all()).items()).hasSize(1);
    }
  }

  @Test
  void rejectPolicyRefusesWorkForABusySession() {
    try (Lane lane = lane(1 << 20, 50)) {
      lane.submit(request("s", "work").build());
      assertThatThrownBy(() -> lane.submit(request("s", "work").busyPolicy(BusyPolicy.REJECT).build()))
          .satisfies(e -> assertThat(((LaneException) e).code()).isEqualTo(ErrorCode.BUSY));
      assertThat(lane.submit(request("t", "work").busyPolicy(BusyPolicy.REJECT).build()).created()).isTrue();
    }
  }

  @Test
  void shutDownLaneRefusesSubmits() {
    Lane lane = lane(1 << 20, 50);
    lane.close();
    assertThatThrownBy(() -> lane.submit(request("s", "work").build()))
        .satisfies(e -> assertThat(((LaneException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
  }

  private static void assertBad(Runnable r, String mentions) {
    assertThatThrownBy(r::run).isInstanceOf(LaneException.class)
        .satisfies(e -> assertThat(((LaneException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST))
        .hasMessageContaining(mentions);
  }
}
