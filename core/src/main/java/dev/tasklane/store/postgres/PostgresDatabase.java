package dev.tasklane.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tasklane.store.Database;
import dev.tasklane.store.Dialect;
import dev.tasklane.store.Migrations;
import dev.tasklane.store.Duty;
import dev.tasklane.store.IdHorizon;
import dev.tasklane.store.Rows;
import dev.tasklane.store.Signals;
import dev.tasklane.store.SqlWork;
import dev.tasklane.store.StoreException;
import dev.tasklane.store.Tx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * PostgreSQL, for users who outgrow one machine: a HikariCP pool of connections for reads, and this
 * process's writes group-committed by one {@link PostgresWriter}, and {@link PostgresSignals} to hear
 * of the other processes' commits. Several processes may share the database; nothing here assumes
 * it is alone.
 */
public final class PostgresDatabase implements Database {
  private static final Dialect DIALECT = new PostgresDialect();
  /** The lock a node holds while it migrates ("tl-migrate" as a number). */
  private static final long MIGRATIONS_LOCK = 0x746c2d6d69677261L;

  private final PostgresOptions options;
  private final HikariDataSource pool;
  private final PostgresWriter writer;
  private final PostgresSignals signals;
  private final List<PostgresElection> elections = new CopyOnWriteArrayList<>();
  private final Map<String, PostgresHorizon> horizons = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private PostgresDatabase(PostgresOptions options, HikariDataSource pool) {
    this.options = options;
    this.pool = pool;
    this.writer = new PostgresWriter(pool, DIALECT, options.maxBatch());
    this.signals = new PostgresSignals(options);
  }

  /** Connects (and checks the connection) to the database {@code options} name. */
  public static Database open(PostgresOptions options) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(options.jdbcUrl());
    if (options.user() != null) config.setUsername(options.user());
    if (options.password() != null) config.setPassword(options.password());
    config.setMaximumPoolSize(options.readers() + 2); // and the writer, and its notifier
    config.setMinimumIdle(1);
    config.setPoolName("tasklane-postgres");
    try {
      return new PostgresDatabase(options, new HikariDataSource(config));
    } catch (RuntimeException e) {
      throw new StoreException("cannot open PostgreSQL database " + options + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Dialect dialect() {
    return DIALECT;
  }

  @Override
  public <T> T write(SqlWork<T> work) {
    checkOpen();
    return writer.submit(work);
  }

  @Override
  public <T> CompletableFuture<T> writeAsync(SqlWork<T> work) {
    checkOpen();
    return writer.submitAsync(work);
  }

  /**
   * On a connection of the pool, beside the writer's batches; after-commit actions run after its
   * commit. As with the writer, a failure before the commit undoes the work, and a failure of the
   * commit itself leaves the outcome unknown, and says so.
   */
  @Override
  public <T> T writeApart(SqlWork<T> work) {
    checkOpen();
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      ApartTx tx = new ApartTx(c, new ArrayList<>());
      T value;
      try {
        value = work.run(tx);
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException r) {
          e.addSuppressed(r);
        }
        throw e;
      }
      try {
        c.commit();
      } catch (SQLException e) {
        throw new StoreException("the database failed while committing this write; it may or may not be stored: "
            + e.getMessage(), e, true);
      }
      tx.actions().forEach(Runnable::run);
      return value;
    } catch (SQLException e) {
      throw new StoreException("write failed: " + e.getMessage(), e);
    }
  }

  @Override
  public <T> T read(SqlWork<T> work) {
    checkOpen();
    try (Connection c = pool.getConnection()) {
      return work.run(new ReadTx(c));
    } catch (SQLException e) {
      throw new StoreException("read failed: " + e.getMessage(), e);
    }
  }

  @Override
  public IdHorizon horizon(String table) {
    return horizons.computeIfAbsent(table, t -> new PostgresHorizon(pool, t));
  }

  @Override
  public long retriedWrites() {
    return writer.retries();
  }

  @Override
  public Optional<Signals> signals() {
    return Optional.of(signals);
  }

  @Override
  public AutoCloseable elect(String name, Duty duty) {
    checkOpen();
    PostgresElection e = PostgresElection.start(options, name, duty);
    elections.add(e);
    return () -> {
      elections.remove(e);
      e.close();
    };
  }

  /**
   * Applies the migrations while holding a lock no other node's migration can take: nodes started
   * together on an empty database would otherwise race to create the same history table.
   */
  @Override
  public void migrate(String name, String location) {
    checkOpen();
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
      ps.setLong(1, MIGRATIONS_LOCK);
      ps.executeQuery().close();
      try {
        Migrations.apply(pool, name, location + "/" + DIALECT.name());
      } finally {
        try (PreparedStatement unlock = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
          unlock.setLong(1, MIGRATIONS_LOCK);
          unlock.executeQuery().close();
        }
      }
    } catch (SQLException e) {
      throw new StoreException("migrating " + name + " failed: " + e.getMessage(), e);
    }
  }

  private void checkOpen() {
    if (closed) throw new StoreException("database " + options + " is closed", null);
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    elections.forEach(PostgresElection::close);
    signals.close();
    writer.close();
    pool.close();
  }

  /** A write beside the writer's: it reserves no ids, as sequences hand them out. */
  private record ApartTx(Connection connection, List<Runnable> actions) implements Tx {
    @Override
    public void afterCommit(Runnable action) {
      actions.add(action);
    }

    @Override
    public Dialect dialect() {
      return DIALECT;
    }

    @Override
    public Rows rows() {
      throw new IllegalStateException("a write apart from the writer's batches keeps no row ids");
    }
  }

  private record ReadTx(Connection connection) implements Tx {
    @Override
    public void afterCommit(Runnable action) {
      action.run();
    }

    @Override
    public Dialect dialect() {
      return DIALECT;
    }

    @Override
    public Rows rows() {
      throw new IllegalStateException("a read transaction inserts no rows");
    }
  }
}
