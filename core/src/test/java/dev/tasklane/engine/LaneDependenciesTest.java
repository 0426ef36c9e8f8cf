package dev.tasklane.engine;

import static dev.tasklane.engine.LaneFixture.json;
import static dev.tasklane.engine.LaneFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Origin;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Submitted;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskError;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaneDependenciesTest {
  @TempDir Path dir;

  private static final TaskHandler SQUARE = ctx -> {
    int n = ctx.input().get("n").asInt();
    if (n < 0) throw TaskFailure.permanent("negative", "cannot square " + n);
    return TaskResult.of(json("{\"square\":" + n * n + "}"));
  };

  @Test
  void fanOutRunsTheParentWithEveryChildsResultOnceAllCompleted() {
    AtomicReference<JsonNode> parentInput = new AtomicReference<>();
    TaskHandler sum = ctx -> {
      parentInput.set(ctx.input());
      int total = 0;
      for (JsonNode d : ctx.input().get("dependencies")) total += d.get("result").get("square").asInt();
      return TaskResult.of(json("{\"sum\":" + total + "}"));
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("square", SQUARE, "sum", sum))) {
      Lane.FanOut f = lane.fanOut(request("s", "sum").input(json("{\"label\":\"squares\"}")).build(),
          List.of(1, 2, 3).stream().map(n -> request("s", "square").input(json("{\"n\":" + n + "}")).build())
              .toList());
      TaskId parent = f.parent().task().id();
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(parent).isTerminal());
      assertThat(lane.require(parent).result().get("sum").asInt()).isEqualTo(14);
      assertThat(parentInput.get().get("label").asText()).isEqualTo("squares");
      assertThat(parentInput.get().get("dependencies")).extracting(d -> d.get("id").asText())
          .containsExactlyElementsOf(f.children().stream().map(c -> c.task().id().toString()).toList());
    }
  }

  @Test
  void parentFailsClearlyWhenAChildFails() {
    try (Lane lane = LaneFixture.start(dir, Map.of("square", SQUARE, "sum", ctx -> TaskResult.empty()))) {
      Lane.FanOut f = lane.fanOut(request("s", "sum").build(), List.of(
          request("s", "square").input(json("{\"n\":2}")).build(),
          request("s", "square").input(json("{\"n\":-1}")).build()));
      TaskId parent = f.parent().task().id();
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(parent).isTerminal());
      Task p = lane.require(parent);
      assertThat(p.state()).isEqualTo(TaskState.FAILED);
      assertThat(p.error().code()).isEqualTo(TaskError.DEPENDENCY_FAILED);
      assertThat(p.error().message()).contains(f.children().get(1).task().id().toString()).contains("failed");
      assertThat(lane.attempts(parent)).isEmpty();
    }
  }

  @Test
  void aFanOutWhoseParentIsRefusedStoresAndRunsNoChild() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger squared = new AtomicInteger();
    TaskHandler counting = ctx -> {
      squared.incrementAndGet();
      return SQUARE.run(ctx);
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("square", counting, "wait", LaneFixture.waitingFor(gate)),
        b -> b.maxPendingPerSession(2))) {
      for (int i = 0; i < 2; i++) lane.submit(request("busy", "wait").build());
      // The parent's session is at its limit; the children are in sessions of their own.
      assertThatThrownBy(() -> lane.fanOut(request("busy", "wait").build(), List.of(
          request("a", "square").input(json("{\"n\":2}")).build(),
          request("b", "square").input(json("{\"n\":3}")).build())))
          .isInstanceOf(LaneException.class)
          .extracting(e -> ((LaneException) e).code()).isEqualTo(ErrorCode.RATE_LIMITED);
      Thread.sleep(300); // time enough for a child to start, had one been stored
      assertThat(squared).hasValue(0);
      assertThat(lane.list(TaskQuery.all()).items()).extracting(Task::sessionKey).containsOnly("busy");
      gate.countDown();
    }
  }

  @Test
  void spawnedChildRunsBesideItsParentWithTheParentsOriginAndSession() {
    AtomicReference<TaskId> child = new AtomicReference<>();
    AtomicReference<Lane> laneRef = new AtomicReference<>();
    TaskHandler parent = ctx -> {
      Submitted s = ctx.spawn(SubmitRequest.builder(null, "square").input(json("{\"n\":7}")).build());
      child.set(s.task().id());
      // Waits for its child: only possible because children run beside their session's tasks.
      while (laneRef.get().require(s.task().id()).state() != TaskState.COMPLETED) {
        ctx.checkCancelled();
        Thread.sleep(10);
      }
      return TaskResult.text("child done");
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("parent", parent, "square", SQUARE))) {
      laneRef.set(lane);
      Origin origin = new Origin("telegram", "42", "m7", "bob");
      TaskId p = lane.submit(request("telegram:42", "parent").origin(origin).build()).task().id();
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(p).state() == TaskState.COMPLETED);
      Task c = lane.require(child.get());
      assertThat(c.parentId()).isEqualTo(p);
      assertThat(c.sessionKey()).isEqualTo("telegram:42");
      assertThat(c.origin()).isEqualTo(origin);
      assertThat(c.result().get("square").asInt()).isEqualTo(49);
    }
  }

  @Test
  void aRetriedAttemptResumesFromItsCheckpoint() {
    TaskHandler resumable = ctx -> {
      int from = ctx.checkpoint().map(JsonNode::asInt).orElse(0);
      for (int i = from; i < 10; i++) {
        ctx.saveCheckpoint(json(String.valueOf(i + 1)));
        if (i == 4 && ctx.attempt() == 1) throw TaskFailure.retryable("crash", "simulated crash");
      }
      return TaskResult.of(json("{\"resumedFrom\":" + from + "}"));
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("work", resumable))) {
      TaskId id = lane.submit(request("s", "work").build()).task().id();
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(id).isTerminal());
      assertThat(lane.require(id).result().get("resumedFrom").asInt()).isEqualTo(5);
    }
  }
}
