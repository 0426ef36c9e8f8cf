package dev.tasklane.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Heap in use after a full collection: what the process really keeps alive. */
final class HeapGauge {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private HeapGauge() {}

  /** Collects garbage until the figure settles, then returns the used heap in bytes. */
  static long usedAfterGc() throws InterruptedException {
    long previous = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      long used = MEMORY.getHeapMemoryUsage().getUsed();
      if (Math.abs(previous - used) < 1 << 20) return used;
      previous = used;
    }
    return previous;
  }
}
