package dev.tasklane.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine the figures were taken on. The load average at the start tells whether other work
 * shared the cores during the run (it is 1-minute average of runnable processes, from the OS); the
 * JVM options, what the heap started at (a heap that starts small collects far more often).
 */
public record Machine(int cpus, long memoryMb, long maxHeapMb, String jdk, List<String> jvmOptions, String os,
    String disk, double loadAverage) {

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
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
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
