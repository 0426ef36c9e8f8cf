package dev.tasklane.bench;

import java.time.Duration;

/** Bounded waiting: every wait in the harness has a deadline. */
final class Waits {
  private Waits() {}

  /** A condition that may query a store. */
  @FunctionalInterface
  interface Check {
    boolean done() throws Exception;
  }

  /** Polls {@code check} every {@code every} until it holds; throws {@link TimedOut} after {@code timeout}. */
  static void until(String what, Duration timeout, Duration every, Check check) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.done()) {
      if (System.nanoTime() > deadline) throw new TimedOut(what + " did not happen within " + timeout.toSeconds() + " s");
      Thread.sleep(every);
    }
  }

  /** Sleeps until {@code nanoTime} reaches {@code at} (no-op if it already has). */
  static void sleepUntil(long at) throws InterruptedException {
    long left = at - System.nanoTime();
    if (left > 0) Thread.sleep(Duration.ofNanos(left));
  }
}
