package dev.tasklane.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MachineStallsTest {
  @Test
  void countsOnlyGapsLongerThanTheThresholdAndKeepsTheLongest() {
    MachineStalls.Gaps gaps = new MachineStalls.Gaps(5_000_000);
    long t = 1_000;
    gaps.read(t);
    gaps.read(t += 5_000_000); // exactly the threshold: not a stall
    gaps.read(t += 5_000_001);
    gaps.read(t += 100);
    gaps.read(t += 12_000_000);
    assertThat(gaps.count()).isEqualTo(2);
    assertThat(gaps.longestMs()).isEqualTo(12.0);
  }

  @Test
  void aSingleReadIsNoGap() {
    MachineStalls.Gaps gaps = new MachineStalls.Gaps(5_000_000);
    gaps.read(42);
    assertThat(gaps.count()).isZero();
    assertThat(gaps.longestMs()).isZero();
  }
}
