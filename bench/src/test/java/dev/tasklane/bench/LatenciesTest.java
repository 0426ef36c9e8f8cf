package dev.tasklane.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatenciesTest {
  @Test
  void percentilesAreNearestRankInMilliseconds() {
    long[] nanos = new long[100];
    for (int i = 0; i < 100; i++) nanos[i] = (100 - i) * 1_000_000L;
    Latencies l = new Latencies(nanos);
    assertThat(l.p50()).isEqualTo(50.0);
    assertThat(l.p99()).isEqualTo(99.0);
    assertThat(l.maxMs()).isEqualTo(100.0);
  }
}
