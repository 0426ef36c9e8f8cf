package dev.tasklane.engine;

import dev.tasklane.core.LaneConfig;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.core.TaskResult;
import dev.tasklane.core.TaskState;
import dev.tasklane.store.Database;
import dev.tasklane.store.postgres.PostgresDatabase;
import dev.tasklane.store.postgres.PostgresOptions;
import dev.tasklane.store.sqlite.SqliteDatabase;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The engine in a process of its own, for the crash test: runs the "count" tasks in the given
 * database (a SQLite file or a PostgreSQL URL), logging each execution's start and end to a file outside the database (fsynced, so a
 * SIGKILL cannot lose a line), and exits once no task is left queued or running.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    Path log = Path.of(args[1]);
    TaskHandler count = ctx -> {
      write(log, "start " + ctx.id() + " " + ctx.attempt());
      Thread.sleep(200 + (ctx.id().value() % 5) * 60); // staggered, so some task is always mid-run
      write(log, "end " + ctx.id() + " " + ctx.attempt());
      return TaskResult.text("counted");
    };
    LaneConfig config = LaneConfig.defaults().toBuilder().concurrency(4).perSession(4)
        .leaseDuration(Duration.ofSeconds(5)).heartbeatInterval(Duration.ofSeconds(1)).build();
    try (Lane lane = Lane.builder().database(open(args[0])).config(config).handler("count", count).start()) {
      while (true) {
        var counts = lane.countByState();
        if (counts.get(TaskState.QUEUED) + counts.get(TaskState.RUNNING) == 0) break;
        Thread.sleep(50);
      }
    }
  }

  /** A PostgreSQL JDBC URL, or the path of a SQLite file. */
  static Database open(String location) {
    return location.startsWith("jdbc:postgresql:") ? PostgresDatabase.open(PostgresOptions.fromUrl(location))
        : SqliteDatabase.open(Path.of(location));
  }

  private static synchronized void write(Path log, String line) throws IOException {
    try (FileOutputStream out = new FileOutputStream(log.toFile(), true)) {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.getFD().sync();
    }
  }
}
