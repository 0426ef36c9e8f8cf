package dev.tasklane.store;

/**
 * A unit of work whose {@link Rows#insert inserts} may wait until the end of its batch. Such work
 * must call {@link Rows#flush} before it reads a table that it, or an earlier unit of its batch,
 * may have inserted into. If it throws, what it kept back is dropped.
 */
@FunctionalInterface
public interface AppendingWork<T> extends SqlWork<T> {}
