package dev.tasklane.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The disk's own limit, without any engine: task-like rows inserted and then updated by plain JDBC
 * in batches, one transaction per batch, with the durability Tasklane uses (WAL, synchronous=FULL).
 * Also times single-row transactions, which shows what one commit (one fsync) costs on this disk.
 */
final class JdbcBaseline {
  private static final String TABLE =
      """
      create table tasks (
        id integer primary key, session_key text not null, kind text not null, input text not null,
        state text not null, priority integer not null, attempt integer not null,
        created_at integer not null, started_at integer, finished_at integer, result text)""";
  private static final String QUEUE_INDEX = "create index tasks_queue on tasks (state, priority desc, id)";
  private static final String INSERT =
      "insert into tasks (id, session_key, kind, input, state, priority, attempt, created_at) values (?, ?, 'noop', ?, 'queued', 5, 0, ?)";
  private static final String COMPLETE =
      "update tasks set state = 'completed', attempt = 1, started_at = ?, finished_at = ?, result = 'null' where id = ?";

  private JdbcBaseline() {}

  /** Rows per second of the two batched phases. */
  record Batched(double insertsPerSecond, double updatesPerSecond, int batch) {}

  static Batched batched(Path file, int rows, int batch) throws SQLException {
    try (Connection c = open(file)) {
      long t0 = System.nanoTime();
      try (PreparedStatement insert = c.prepareStatement(INSERT)) {
        for (int id = 1; id <= rows; id++) {
          insert.setLong(1, id);
          insert.setString(2, "bench:" + id % 1000);
          insert.setString(3, "{\"seq\":" + id + "}");
          insert.setLong(4, System.currentTimeMillis());
          insert.addBatch();
          if (id % batch == 0 || id == rows) {
            insert.executeBatch();
            c.commit();
          }
        }
      }
      long t1 = System.nanoTime();
      try (PreparedStatement complete = c.prepareStatement(COMPLETE)) {
        for (int id = 1; id <= rows; id++) {
          long now = System.currentTimeMillis();
          complete.setLong(1, now);
          complete.setLong(2, now);
          complete.setLong(3, id);
          complete.addBatch();
          if (id % batch == 0 || id == rows) {
            complete.executeBatch();
            c.commit();
          }
        }
      }
      long t2 = System.nanoTime();
      return new Batched(rows / ((t1 - t0) / 1e9), rows / ((t2 - t1) / 1e9), batch);
    }
  }

  /** The latency of a transaction that inserts one row: essentially one durable commit. */
  static Latencies singleRowCommits(Path file, int commits) throws SQLException {
    long[] samples = new long[commits];
    try (Connection c = open(file); PreparedStatement insert = c.prepareStatement(INSERT)) {
      for (int id = 1; id <= commits; id++) {
        long before = System.nanoTime();
        insert.setLong(1, id);
        insert.setString(2, "bench:" + id % 1000);
        insert.setString(3, "{\"seq\":" + id + "}");
        insert.setLong(4, System.currentTimeMillis());
        insert.executeUpdate();
        c.commit();
        samples[id - 1] = System.nanoTime() - before;
      }
    }
    return new Latencies(samples);
  }

  /**
   * Single-row commits while every core is kept busy by spinning threads, one more than there are
   * cores: the load of a burst of closed-loop submitters. The commit's fsync takes no CPU, but the
   * thread that waited for it must then get a core back, and the gap between the two medians, and
   * more so the two p99s, is what the machine's scheduler adds to any durable write under load.
   */
  static Latencies singleRowCommitsOnBusyCores(Path file, int commits) throws SQLException {
    AtomicBoolean spinning = new AtomicBoolean(true);
    List<Thread> spinners = new ArrayList<>();
    for (int i = 0; i < spinningThreads(); i++) {
      spinners.add(Thread.ofPlatform().daemon(true).name("bench-busy-core-" + i).start(() -> {
        long x = 0;
        while (spinning.get()) x += System.nanoTime() & 1;
        if (x == 42) System.out.print(""); // keeps the loop from being optimised away
      }));
    }
    try {
      return singleRowCommits(file, commits);
    } finally {
      spinning.set(false);
      for (Thread t : spinners) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** The threads {@link #singleRowCommitsOnBusyCores} keeps spinning: one more than there are cores. */
  static int spinningThreads() {
    return Runtime.getRuntime().availableProcessors() + 1;
  }

  private static Connection open(Path file) throws SQLException {
    Connection c = SqliteFiles.baselineDataSource(file).getConnection();
    try (Statement s = c.createStatement()) {
      s.execute(TABLE);
      s.execute(QUEUE_INDEX);
    }
    c.setAutoCommit(false);
    return c;
  }
}
