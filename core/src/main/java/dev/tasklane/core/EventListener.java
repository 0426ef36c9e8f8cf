package dev.tasklane.core;

/** Receives events of a subscription, in order, on the subscription's own thread. */
@FunctionalInterface
public interface EventListener {
  void onEvent(TaskEvent event);
}
