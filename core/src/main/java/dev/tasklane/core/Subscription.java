package dev.tasklane.core;

/** A live feed of events; close it to stop receiving. */
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}
