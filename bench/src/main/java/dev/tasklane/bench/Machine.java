package dev.tasklane.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine the figures were taken on. The load average at the start tells whether other work
 * shared the cores during the run (it is 1-minute average of runnable processes, from the OS); the
 * JVM options, what the heap started at (a heap that starts small collects far more often); the
 * cost of touching fresh memory for the first time, what a thread pays whenever it writes to a
 * page of the heap (or of SQLite's cache) that no one has used yet: on some virtual machines a
 * hundred times what it costs on the host.
 */
public record Machine(int cpus, long memoryMb, long maxHeapMb, String jdk, List<String> jvmOptions, String os,
    String disk, double loadAverage, double firstTouchMicrosPerPage) {
  private static final int TOUCHED_BYTES = 64 << 20;

  static Machine describe(Path dataFolder) {
    long memory = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getTotalMemorySize() >> 20
        : -1;
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        memory,
        Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
        List.copyOf(ManagementFactory.getRuntimeMXBean().getInputArguments()),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        disk(dataFolder),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        timeFirstTouch());
  }

  /** A direct buffer is fresh memory that the JVM zeroes: one write to each page, each page's first. */
  private static double timeFirstTouch() {
    long t0 = System.nanoTime();
    ByteBuffer fresh = ByteBuffer.allocateDirect(TOUCHED_BYTES);
    long elapsed = System.nanoTime() - t0;
    if (fresh.get(TOUCHED_BYTES - 1) != 0) throw new IllegalStateException("fresh memory was not zeroed");
    return elapsed / 1e3 / (TOUCHED_BYTES / 4096.0);
  }

  private static String disk(Path folder) {
    try {
      FileStore store = Files.getFileStore(folder);
      return folder + " on " + store.name() + " (" + store.type() + ")";
    } catch (IOException e) {
      return folder + " (file store unknown: " + e.getMessage() + ")";
    }
  }
}
