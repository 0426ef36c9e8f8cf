package dev.tasklane.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds, summarised as exact percentiles in milliseconds. */
final class Latencies {
  private final long[] sorted;

  Latencies(long[] nanos) {
    sorted = nanos.clone();
    Arrays.sort(sorted);
  }

  int count() {
    return sorted.length;
  }

  /** The sample below which {@code p} percent of samples lie (nearest rank), in milliseconds. */
  double percentileMs(double p) {
    if (sorted.length == 0) throw new IllegalStateException("no samples");
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }

  double p50() {
    return percentileMs(50);
  }

  double p99() {
    return percentileMs(99);
  }

  double maxMs() {
    return sorted[sorted.length - 1] / 1e6;
  }
}
