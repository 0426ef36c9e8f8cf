package dev.tasklane.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.jobrunr.storage.sql.sqlite.SqLiteStorageProvider;

/**
 * JobRunr with its SQLite storage provider on a pooled, durable connection, the background job
 * server at JobRunr's smallest poll interval (5 s; it refuses less for SQL stores) and as many
 * workers as Tasklane gets.
 */
final class JobRunrContender implements Contender {
  /** JobRunr's smallest accepted poll interval for SQL storage. */
  static final Duration POLL_INTERVAL = Duration.ofSeconds(5);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final HikariDataSource dataSource;
  private final StorageProvider storage;
  private final JobScheduler scheduler;
  private final int workers;
  private final String store;

  JobRunrContender(Path file, int workers) {
    this(PooledSqlite.open(file, Math.max(4, Math.min(workers, 16)), "jobrunr"), workers, false);
  }

  /** On a fresh PostgreSQL schema with JobRunr's PostgreSQL storage provider. */
  static Factory postgres(BenchPostgres pg) {
    return (file, workers) -> new JobRunrContender(pg.pool("jobrunr", Math.max(4, Math.min(workers, 16))), workers,
        true);
  }

  private JobRunrContender(HikariDataSource dataSource, int workers, boolean postgres) {
    this.workers = workers;
    this.dataSource = dataSource;
    this.store = postgres ? "PostgresStorageProvider" : "SqLiteStorageProvider, BEGIN IMMEDIATE, synchronous=FULL";
    // A table prefix of its own: JobRunr looks for its tables in every schema it can see, finds an
    // earlier contender's, and would not create its own in this one.
    storage = postgres ? new PostgresStorageProvider(dataSource, "r" + INSTANCES.incrementAndGet() + "_")
        : new SqLiteStorageProvider(dataSource);
    scheduler =
        JobRunr.configure()
            .useStorageProvider(storage)
            .useBackgroundJobServer(
                BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                    .andPollInterval(POLL_INTERVAL)
                    .andWorkerCount(workers))
            .initialize()
            .getJobScheduler();
  }

  @Override
  public String name() {
    return "jobrunr";
  }

  @Override
  public String settings() {
    return "JobRunr 8.7.0, " + store + ", pollInterval=" + POLL_INTERVAL.toSeconds() + " s (its minimum), workers="
        + workers + ", pool=" + dataSource.getMaximumPoolSize();
  }

  @Override
  public void submit(long seq) {
    scheduler.enqueue(() -> ProbeJob.run(seq));
  }

  @Override
  public void preload(long from, int count) {
    scheduler.enqueue(LongStream.range(from, from + count).boxed(), seq -> ProbeJob.run(seq));
  }

  @Override
  public long completed() {
    return storage.countJobs(StateName.SUCCEEDED);
  }

  @Override
  public void close() {
    try {
      JobRunr.destroy();
    } finally {
      dataSource.close();
    }
  }
}
