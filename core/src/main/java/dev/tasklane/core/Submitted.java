package dev.tasklane.core;

/**
 * What {@link Lane#submit} returns: the task, whether this call created it (false when an
 * idempotency key matched an earlier task), and its position among the queued tasks that run before
 * it (0 = next, counted up to {@link Lane#POSITION_CAP}; -1 once it is no longer queued).
 */
public record Submitted(Task task, boolean created, long position) {}
