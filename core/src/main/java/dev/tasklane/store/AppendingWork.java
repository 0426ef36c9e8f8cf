package dev.tasklane.store;

/**
 * A unit of work whose inserts may wait in the writer's {@link InsertBuffer} until the end of its
 * batch. Such work must call {@link InsertBuffer#flush} before it reads a table that it, or an
 * earlier unit of its batch, may have inserted into. If it throws, the writer drops what it kept back.
 */
@FunctionalInterface
interface AppendingWork<T> extends SqlWork<T> {}
