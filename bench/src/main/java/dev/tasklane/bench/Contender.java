package dev.tasklane.bench;

import java.nio.file.Path;

/**
 * A task queue under measurement: Tasklane or a peer, started on its own fresh SQLite file with a
 * given number of workers, running the same no-op task (a call to {@link Probe#started}).
 */
interface Contender extends AutoCloseable {
  /** Short name used in figure names: {@code tasklane}, {@code jobrunr}, {@code db-scheduler}. */
  String name();

  /** The settings it runs with, for the report (workers, polling, durability). */
  String settings();

  /** Submits one no-op task for {@code seq}; durable when this returns. */
  void submit(long seq) throws Exception;

  /** Submits tasks {@code from} to {@code from + count - 1} the fastest way the contender offers (not timed). */
  void preload(long from, int count) throws Exception;

  /** How many tasks the store records as completed. */
  long completed() throws Exception;

  @Override
  void close() throws Exception;

  /** Opens a contender on a fresh database file. */
  @FunctionalInterface
  interface Factory {
    Contender open(Path databaseFile, int workers) throws Exception;
  }
}
