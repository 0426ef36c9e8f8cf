package dev.tasklane.core;

import java.util.function.LongSupplier;

/**
 * What {@link dev.tasklane.engine.Lane#submit} returns: the task, whether this call created it (false when an
 * idempotency key matched an earlier task), and its queue position.
 *
 * <p>The position is counted when first asked for, not by the submit: counting is a read that most
 * callers never need, and a submit returns as soon as the task is durable.
 */
public final class Submitted {
  private static final long NOT_COUNTED = Long.MIN_VALUE;

  private final Task task;
  private final boolean created;
  private final LongSupplier count;
  private long position = NOT_COUNTED;

  public Submitted(Task task, boolean created, LongSupplier count) {
    this.task = task;
    this.created = created;
    this.count = count;
  }

  /** The task as the submit stored (or found) it. */
  public Task task() {
    return task;
  }

  /** False when an idempotency key matched an earlier task. */
  public boolean created() {
    return created;
  }

  /**
   * Queued tasks that run before this one (0 = next, counted up to {@link dev.tasklane.engine.Lane#POSITION_CAP}), or -1
   * if it is not queued: as of the first call, which counts; later calls return the same.
   */
  public synchronized long position() {
    if (position == NOT_COUNTED) position = count.getAsLong();
    return position;
  }

  @Override
  public String toString() {
    return "Submitted[task=" + task.id() + ", created=" + created + "]";
  }
}
