package dev.tasklane.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.core.EventType;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Submitted;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskResult;
import dev.tasklane.core.TaskState;
import dev.tasklane.store.sqlite.SqliteDatabase;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaneSmokeTest {
  @TempDir Path dir;

  @Test
  void submittedTaskRunsAndCompletes() {
    try (Lane lane = Lane.builder()
        .database(SqliteDatabase.open(dir.resolve("t.db")))
        .handler("echo", ctx -> {
          ctx.progress(0.5, "half");
          return TaskResult.of(ctx.input());
        })
        .start()) {
      Submitted s = lane.submit(SubmitRequest.builder("web:a", "echo")
          .input(dev.tasklane.store.Json.MAPPER.createObjectNode().put("x", 1)).build());
      assertThat(s.created()).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> lane.require(s.task().id()).state() == TaskState.COMPLETED);
      Task t = lane.require(s.task().id());
      assertThat(t.result().get("x").asInt()).isEqualTo(1);
      assertThat(lane.events(t.id(), 0, 100)).extracting(TaskEvent::type)
          .containsExactly(EventType.CREATED, EventType.STARTED, EventType.PROGRESS, EventType.COMPLETED);
    }
  }
}
