package dev.tasklane.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * Runs a warm-up round after round until the JIT has little left to compile, so that timed code
 * runs compiled rather than beside the compiler. On two cores the compiler threads take a core
 * from whoever else is runnable: after one round of submits the C2 thread still compiled for
 * 200–300 ms during the first timed level, much of it while the fsync thread waited for a core.
 */
final class JitWarmUp {
  /** A round counts as quiet when the JIT compiled for less than this share of its wall time. */
  static final double QUIET_SHARE = 0.05;
  /** Rounds at most, however busy the JIT still is (each adds its submits to the queue). */
  static final int MAX_ROUNDS = 5;

  /** How the warm-up ended: rounds run, and the JIT's share of the last one's wall time. */
  record Outcome(int rounds, double lastShare) {
    String describe() {
      return rounds + " warm-up rounds, the JIT compiling " + Math.round(lastShare * 1000) / 10.0 + " % of the last";
    }
  }

  /** One warm-up round. */
  @FunctionalInterface
  interface Round {
    void run() throws Exception;
  }

  private final LongSupplier compileMillis;
  private final LongSupplier nanoClock;

  JitWarmUp(LongSupplier compileMillis, LongSupplier nanoClock) {
    this.compileMillis = compileMillis;
    this.nanoClock = nanoClock;
  }

  /** Measures this JVM's JIT; without compile-time monitoring, every round looks quiet (one round runs). */
  static JitWarmUp ofThisJvm() {
    return new JitWarmUp(JitWarmUp::compileMillisSoFar, System::nanoTime);
  }

  /** The JIT's total compile time so far, in milliseconds (0 where the JVM does not monitor it). */
  static long compileMillisSoFar() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
  }

  Outcome run(Round round) throws Exception {
    double share = 1;
    int rounds = 0;
    while (rounds < MAX_ROUNDS && share >= QUIET_SHARE) {
      long compiledBefore = compileMillis.getAsLong();
      long start = nanoClock.getAsLong();
      round.run();
      double wallMillis = Math.max(1, (nanoClock.getAsLong() - start) / 1e6);
      share = (compileMillis.getAsLong() - compiledBefore) / wallMillis;
      rounds++;
    }
    return new Outcome(rounds, share);
  }
}
