package dev.tasklane.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JitWarmUpTest {
  private final AtomicLong compiled = new AtomicLong();
  private final AtomicLong now = new AtomicLong();
  private final JitWarmUp warmUp = new JitWarmUp(compiled::get, now::get);

  /** A round of one second in which the JIT compiles for the next of {@code millis}. */
  private JitWarmUp.Round rounds(AtomicInteger ran, long... millis) {
    return () -> {
      compiled.addAndGet(millis[Math.min(ran.getAndIncrement(), millis.length - 1)]);
      now.addAndGet(1_000_000_000L);
    };
  }

  @Test
  void stopsAfterTheFirstRoundInWhichTheJitWasQuiet() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    JitWarmUp.Outcome outcome = warmUp.run(rounds(ran, 2_000, 400, 49, 0));
    assertThat(ran).hasValue(3);
    assertThat(outcome.rounds()).isEqualTo(3);
    assertThat(outcome.lastShare()).isEqualTo(0.049);
  }

  @Test
  void aRoundAtTheQuietShareIsNotYetQuiet() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    warmUp.run(rounds(ran, 50, 10));
    assertThat(ran).hasValue(2);
  }

  @Test
  void stopsAtTheRoundLimitWhileTheJitIsStillBusy() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    JitWarmUp.Outcome outcome = warmUp.run(rounds(ran, 500));
    assertThat(ran).hasValue(JitWarmUp.MAX_ROUNDS);
    assertThat(outcome.describe()).isEqualTo(JitWarmUp.MAX_ROUNDS + " warm-up rounds, the JIT compiling 50.0 % of the last");
  }
}
