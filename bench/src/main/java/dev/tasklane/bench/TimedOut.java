package dev.tasklane.bench;

/** A bounded wait ran out: the measurement is reported as timed out rather than hanging. */
final class TimedOut extends Exception {
  TimedOut(String message) {
    super(message);
  }
}
