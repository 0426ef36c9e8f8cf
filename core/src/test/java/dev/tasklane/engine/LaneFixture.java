package dev.tasklane.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.core.LaneConfig;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.core.TaskResult;
import dev.tasklane.store.Json;
import dev.tasklane.store.sqlite.SqliteDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Starts a lane on a real SQLite file in a test's folder, with quick timings for tests. */
public final class LaneFixture {
  private LaneFixture() {}

  /** Test timings: short leases and grace periods, so the guarantees show within a test's patience. */
  public static LaneConfig.Builder fastConfig() {
    return LaneConfig.defaults().toBuilder()
        .leaseDuration(Duration.ofSeconds(3))
        .heartbeatInterval(Duration.ofMillis(500))
        .cancelGrace(Duration.ofMillis(500))
        .retryBase(Duration.ofMillis(50))
        .retryMax(Duration.ofMillis(200))
        .progressInterval(Duration.ofMillis(100))
        .maintenanceInterval(Duration.ofMillis(200));
  }

  public static Lane start(Path dir, Map<String, TaskHandler> handlers) {
    return start(dir, handlers, b -> b, Clock.systemUTC());
  }

  public static Lane start(Path dir, Map<String, TaskHandler> handlers, UnaryOperator<LaneConfig.Builder> tune) {
    return start(dir, handlers, tune, Clock.systemUTC());
  }

  public static Lane start(Path dir, Map<String, TaskHandler> handlers, UnaryOperator<LaneConfig.Builder> tune,
      Clock clock) {
    Lane.Builder b = Lane.builder()
        .database(SqliteDatabase.open(dir.resolve("tasklane.db")))
        .config(tune.apply(fastConfig()).build())
        .clock(clock);
    handlers.forEach(b::handler);
    return b.start();
  }

  /** A handler that waits (at most 5 s) until the gate opens, then completes. */
  public static TaskHandler waitingFor(java.util.concurrent.CountDownLatch gate) {
    return ctx -> {
      gate.await(5, java.util.concurrent.TimeUnit.SECONDS);
      return TaskResult.empty();
    };
  }

  public static JsonNode json(String text) {
    return Json.tree(text);
  }

  public static SubmitRequest.Builder request(String session, String kind) {
    return SubmitRequest.builder(session, kind);
  }
}
