package dev.tasklane.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * db-scheduler on a pooled, durable SQLite file with its own {@code scheduled_tasks} table. SQLite
 * has no lock-and-fetch support in db-scheduler, so it polls with its fetch strategy; it is told to
 * check at once when a task is scheduled (immediate execution) and polls every 100 ms otherwise
 * (db-scheduler sets no minimum; its default is 10 s). A one-time task's row is deleted when it
 * completes.
 */
final class DbSchedulerContender implements Contender {
  static final Duration POLLING_INTERVAL = Duration.ofMillis(100);
  private static final int BATCH = 1000;
  private static final String TABLE =
      """
      create table scheduled_tasks (
        task_name varchar(100), task_instance varchar(100), task_data blob, execution_time TIMESTAMP,
        picked BIT, picked_by varchar(50), last_success TIMESTAMP, last_failure TIMESTAMP,
        consecutive_failures INT, last_heartbeat TIMESTAMP, version BIGINT, priority SMALLINT,
        PRIMARY KEY (task_name, task_instance))""";
  private static final List<String> INDEXES =
      List.of(
          "CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time)",
          "CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat)",
          "CREATE INDEX priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc)");

  /** db-scheduler's own PostgreSQL table (its postgresql_tables.sql). */
  private static final String POSTGRES_TABLE =
      """
      create table scheduled_tasks (
        task_name text not null, task_instance text not null, task_data bytea,
        execution_time timestamp with time zone not null, picked BOOLEAN not null, picked_by text,
        last_success timestamp with time zone, last_failure timestamp with time zone, consecutive_failures INT,
        last_heartbeat timestamp with time zone, version BIGINT not null, priority SMALLINT,
        PRIMARY KEY (task_name, task_instance))""";

  private final HikariDataSource dataSource;
  private final OneTimeTask<Long> noop;
  private final Scheduler scheduler;
  private final int workers;
  private final boolean lockAndFetch;
  /** Tasks scheduled through every instance on the table: rows gone are completed ones. */
  private final AtomicLong scheduled;

  DbSchedulerContender(Path file, int workers) throws SQLException {
    this(PooledSqlite.open(file, Math.max(4, Math.min(workers, 16)), "db-scheduler"), TABLE, workers, false,
        new AtomicLong());
  }

  /**
   * On a fresh PostgreSQL schema with lock-and-fetch ({@code SELECT ... FOR UPDATE SKIP LOCKED} and
   * the update in one statement), its fastest mode there, picking up to three batches of a worker's
   * worth at a time (db-scheduler's suggested upper limit).
   */
  static Factory postgres(BenchPostgres pg) {
    return (file, workers) -> new DbSchedulerContender(pg.pool("dbscheduler", Math.max(4, Math.min(workers, 16))),
        POSTGRES_TABLE, workers, true, new AtomicLong());
  }

  /** {@code count} instances (each its own scheduler and pool) on one fresh schema, with lock-and-fetch. */
  static Factory postgresNodes(BenchPostgres pg, int count) {
    return (file, workers) -> {
      String url = pg.freshSchema("dbscheduler_nodes");
      AtomicLong scheduled = new AtomicLong();
      List<DbSchedulerContender> nodes = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        nodes.add(new DbSchedulerContender(pg.pool(url, "dbscheduler-" + i, Math.max(4, Math.min(workers, 16))),
            i == 0 ? POSTGRES_TABLE : null, workers, true, scheduled));
      }
      return new NodesContender(nodes);
    };
  }

  /** @param table the table to create, or null when another instance created it */
  private DbSchedulerContender(HikariDataSource dataSource, String table, int workers, boolean lockAndFetch,
      AtomicLong scheduled) throws SQLException {
    this.scheduled = scheduled;
    this.workers = workers;
    this.lockAndFetch = lockAndFetch;
    this.dataSource = dataSource;
    if (table != null) createTable(table);
    noop =
        Tasks.oneTime("noop", Long.class)
            .execute((instance, ctx) -> {
              try {
                Probe.current().started(instance.getData());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    var builder =
        Scheduler.create(dataSource, noop)
            .threads(workers)
            .pollingInterval(POLLING_INTERVAL)
            .enableImmediateExecution()
            .alwaysPersistTimestampInUTC();
    if (lockAndFetch) builder.pollUsingLockAndFetch(0.5, 3.0);
    scheduler = builder.build();
    scheduler.start();
  }

  private void createTable(String table) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(table);
      for (String index : INDEXES) s.execute(index);
    }
  }

  @Override
  public String name() {
    return "db-scheduler";
  }

  @Override
  public String settings() {
    String mode = lockAndFetch ? "lock-and-fetch on PostgreSQL"
        : "fetch strategy (no lock-and-fetch on SQLite), BEGIN IMMEDIATE, synchronous=FULL";
    return "db-scheduler 16.12.0, " + mode + ", pollingInterval=" + POLLING_INTERVAL.toMillis()
        + " ms, immediate execution, threads=" + workers + ", pool=" + dataSource.getMaximumPoolSize();
  }

  @Override
  public void submit(long seq) {
    scheduled.incrementAndGet();
    scheduler.scheduleIfNotExists(noop.instance(Long.toString(seq), seq), Instant.now());
  }

  @Override
  public void preload(long from, int count) {
    List<TaskInstance<?>> batch = new ArrayList<>(BATCH);
    for (long seq = from; seq < from + count; seq++) {
      batch.add(noop.instance(Long.toString(seq), seq));
      if (batch.size() == BATCH) flush(batch);
    }
    if (!batch.isEmpty()) flush(batch);
  }

  private void flush(List<TaskInstance<?>> batch) {
    scheduler.scheduleBatch(batch, Instant.now());
    scheduled.addAndGet(batch.size());
    batch.clear();
  }

  /** Completed one-time tasks are deleted: completed = scheduled - rows left. */
  @Override
  public long completed() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from scheduled_tasks")) {
      rs.next();
      return scheduled.get() - rs.getLong(1);
    }
  }

  @Override
  public void close() {
    try {
      scheduler.stop();
    } finally {
      dataSource.close();
    }
  }
}
