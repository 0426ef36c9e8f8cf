package dev.tasklane.core;

import dev.tasklane.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one entry point to the engine: submit work, look at it, cancel it, follow its events. Channels,
 * the gateway and the command line all go through a Lane.
 *
 * <pre>{@code
 * Lane lane = Lane.builder()
 *     .database(SqliteDatabase.open(Path.of("data/tasklane.db")))
 *     .handler("echo", ctx -> TaskResult.of(ctx.input()))
 *     .start();
 * Submitted s = lane.submit(SubmitRequest.builder("web:alice", "echo").build());
 * }</pre>
 */
public final class Lane implements AutoCloseable {
  private Lane() {}

  public static Builder builder() {
    return new Builder();
  }

  /** Stores a new task (durable when this returns) and wakes a worker. */
  public Submitted submit(SubmitRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Submits {@code children} and a {@code parent} that runs once all of them completed, with their
   * results in its input ({@code "dependencies"}); if a child fails, the parent fails.
   */
  public FanOut fanOut(SubmitRequest parent, List<SubmitRequest> children) {
    throw new UnsupportedOperationException("not yet");
  }

  /** The task, with its latest progress (also progress not yet persisted). */
  public Optional<Task> get(TaskId id) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Like {@link #get}, but a missing task is a {@code not_found} {@link LaneException}. */
  public Task require(TaskId id) {
    return get(id).orElseThrow(() -> new LaneException(ErrorCode.NOT_FOUND, "no task " + id));
  }

  public Page<Task> list(TaskQuery query) {
    throw new UnsupportedOperationException("not yet");
  }

  /** How many queued tasks run before this one (0 = next), or -1 if it is not queued. */
  public long position(TaskId id) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Cancels a task: a queued one at once, a running one by signalling its handler and, after the
   * grace period, regardless. A terminal task is returned as it is (not an error).
   */
  public Task cancel(TaskId id) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Cancels every queued and running task of a session; returns them as they are after the call. */
  public List<Task> cancelSession(String sessionKey) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Submits a fresh copy (same session, kind, input, origin) of a terminal task. */
  public Submitted retry(TaskId id) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Every attempt of the task, oldest first. */
  public List<Attempt> attempts(TaskId id) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Persisted events of one task with {@code seq > afterSeq}, oldest first. */
  public List<TaskEvent> events(TaskId id, long afterSeq, int limit) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Events of one task after {@code afterSeq}: the missed ones first, then live; no gap, no duplicate. */
  public Subscription subscribeTask(TaskId id, long afterSeq, EventListener listener) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Events of every task of a session after the global event id {@code afterEventId}. */
  public Subscription subscribeSession(String sessionKey, long afterEventId, EventListener listener) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Events of every task after the global event id {@code afterEventId}. */
  public Subscription subscribeAll(long afterEventId, EventListener listener) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Number of tasks in each state (every state present, zero included). */
  public Map<TaskState, Long> countByState() {
    throw new UnsupportedOperationException("not yet");
  }

  /** Tasks running in this process now. */
  public int runningHere() {
    throw new UnsupportedOperationException("not yet");
  }

  public LaneConfig config() {
    throw new UnsupportedOperationException("not yet");
  }

  /** The database the lane stores in; other modules keep their own tables there too. */
  public Database database() {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Stops taking new work, lets running tasks finish for up to {@code grace}, then interrupts the
   * rest and hands them back to the queue (without spending an attempt) for the next start.
   */
  public void shutdown(Duration grace) {
    throw new UnsupportedOperationException("not yet");
  }

  /** {@link #shutdown} with the cancel grace period; closes the database. */
  @Override
  public void close() {
    throw new UnsupportedOperationException("not yet");
  }

  /** The parent and children submitted by {@link #fanOut}. */
  public record FanOut(Submitted parent, List<Submitted> children) {}

  /** Builds and starts a lane. */
  public static final class Builder {
    private Builder() {}

    public Builder database(Database database) {
      throw new UnsupportedOperationException("not yet");
    }

    public Builder config(LaneConfig config) {
      throw new UnsupportedOperationException("not yet");
    }

    public Builder clock(Clock clock) {
      throw new UnsupportedOperationException("not yet");
    }

    public Builder handler(String kind, TaskHandler handler) {
      throw new UnsupportedOperationException("not yet");
    }

    /** Migrates the schema, recovers orphaned tasks, and starts workers and maintenance loops. */
    public Lane start() {
      throw new UnsupportedOperationException("not yet");
    }
  }
}
