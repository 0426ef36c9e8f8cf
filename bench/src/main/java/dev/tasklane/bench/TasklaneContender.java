package dev.tasklane.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tasklane.core.LaneConfig;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Submitted;
import dev.tasklane.core.TaskResult;
import dev.tasklane.core.TaskState;
import dev.tasklane.engine.Lane;
import dev.tasklane.store.Database;
import dev.tasklane.store.postgres.PostgresDatabase;
import dev.tasklane.store.postgres.PostgresOptions;
import dev.tasklane.store.sqlite.SqliteDatabase;
import dev.tasklane.store.sqlite.SqliteOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Tasklane on a fresh database: a SQLite file in durable mode ({@link SqliteOptions#defaults()}:
 * synchronous=FULL), or a fresh PostgreSQL schema; with two handlers: {@code noop} (the probe, nothing else) and {@code coop}
 * (runs until cancelled, stopping as soon as the lane signals it).
 */
final class TasklaneContender implements Contender {
  static final String NOOP = "noop";
  static final String COOPERATIVE = "coop";
  /** How long a cooperative task runs when nobody cancels it. */
  private static final Duration COOPERATIVE_LIMIT = Duration.ofSeconds(60);
  /** Threads used by {@link #preload}: enough concurrent submits for the writer to batch them. */
  private static final int PRELOAD_SUBMITTERS = 256;

  private final Lane lane;
  private final int workers;
  private final int sessions;
  private final String database;

  TasklaneContender(Path file, int workers, int sessions) {
    this(SqliteDatabase.open(file, SqliteOptions.defaults()), "SQLite synchronous=FULL", workers, sessions);
  }

  TasklaneContender(Database db, String database, int workers, int sessions) {
    this.workers = workers;
    this.sessions = sessions;
    this.database = database;
    LaneConfig config =
        LaneConfig.defaults().toBuilder()
            .concurrency(workers)
            // The bench queues up to 100,000 tasks over a few sessions; the default cap of 50
            // pending tasks per session is a guard for chats, not for a load test.
            .maxPendingPerSession(1_000_000)
            .build();
    lane =
        Lane.builder()
            .database(db)
            .config(config)
            .handler(NOOP, ctx -> {
              Probe.current().started(ctx.input().path("seq").asLong(-1));
              return TaskResult.empty();
            })
            .handler(COOPERATIVE, ctx -> {
              Probe.current().started(ctx.input().path("seq").asLong(-1));
              CountDownLatch stop = new CountDownLatch(1);
              ctx.onCancel(stop::countDown);
              if (!ctx.isCancelled()) stop.await(COOPERATIVE_LIMIT.toSeconds(), TimeUnit.SECONDS);
              return TaskResult.empty();
            })
            .start();
  }

  static Factory factory(int sessions) {
    return (file, workers) -> new TasklaneContender(file, workers, sessions);
  }

  /** On a fresh schema of {@code pg} each time. */
  static Factory postgres(BenchPostgres pg, int sessions) {
    return (file, workers) -> new TasklaneContender(pg.tasklane("tasklane"), pg.version(), workers, sessions);
  }

  /** {@code count} nodes, each a lane with {@code workers} workers, on one fresh schema of {@code pg}. */
  static Factory postgresNodes(BenchPostgres pg, int sessions, int count) {
    return (file, workers) -> {
      String url = pg.freshSchema("tasklane_nodes");
      List<TasklaneContender> nodes = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        nodes.add(new TasklaneContender(PostgresDatabase.open(PostgresOptions.fromUrl(url)), pg.version(), workers,
            sessions));
      }
      return new NodesContender(nodes);
    };
  }

  Lane lane() {
    return lane;
  }

  @Override
  public String name() {
    return "tasklane";
  }

  @Override
  public String settings() {
    return "concurrency=" + workers + ", " + sessions + " sessions, perSession=1, " + database;
  }

  /** The request for a task of {@code kind} carrying {@code seq}, spread over the configured sessions. */
  SubmitRequest request(String kind, long seq) {
    return SubmitRequest.builder("bench:" + (seq % sessions), kind)
        .input(JsonNodeFactory.instance.objectNode().put("seq", seq))
        .build();
  }

  @Override
  public void submit(long seq) {
    lane.submit(request(NOOP, seq));
  }

  Submitted submit(String kind, long seq) {
    return lane.submit(request(kind, seq));
  }

  @Override
  public void preload(long from, int count) throws Exception {
    Concurrently.run(PRELOAD_SUBMITTERS, first -> {
      for (long i = first; i < count; i += PRELOAD_SUBMITTERS) submit(from + i);
    });
  }

  @Override
  public long completed() {
    return lane.countByState().getOrDefault(TaskState.COMPLETED, 0L);
  }

  @Override
  public void close() {
    lane.close();
  }
}
