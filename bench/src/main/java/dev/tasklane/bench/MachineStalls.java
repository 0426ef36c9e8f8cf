package dev.tasklane.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the machine does to a thread that only reads the clock: how often, and for how long, it
 * stops running, first with nothing else to do, then while another thread writes and syncs a file
 * over and over, as a durable store does. On a virtual machine the host can stop a virtual CPU
 * while it serves the guest's disk writes; the guest's own accounting does not see that time, and
 * every thread of a process waits through it, whatever the process does.
 */
final class MachineStalls {
  /** A gap between two clock reads longer than this counts as a stall. */
  static final Duration STALL = Duration.ofMillis(5);
  /** Written and synced per round by the syncing thread, over the same few MB, as a reused WAL is. */
  static final int WRITE_BYTES = 16 * 1024;
  private static final long FILE_BYTES = 4L << 20;
  private static final Duration WARM_UP = Duration.ofMillis(500);

  /** The stalls seen in one window, and the syncs done beside it (0 when none were). */
  record Seen(Gaps gaps, long syncs, Duration window) {
    double perSecond() {
      return gaps.count() / seconds();
    }

    double syncsPerSecond() {
      return syncs / seconds();
    }

    private double seconds() {
      return window.toNanos() / 1e9;
    }
  }

  private MachineStalls() {}

  /** The clock-reading thread alone for {@code window}. */
  static Seen quiet(Duration window) throws InterruptedException {
    return new Seen(watch(window), 0, window);
  }

  /** The same while another thread writes and syncs {@code file}. */
  static Seen whileSyncing(Path file, Duration window) throws Exception {
    AtomicBoolean syncing = new AtomicBoolean(true);
    AtomicLong syncs = new AtomicLong();
    AtomicReference<IOException> failed = new AtomicReference<>();
    Thread writer = Thread.ofPlatform().daemon(true).name("bench-syncing").start(() -> {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        ByteBuffer block = ByteBuffer.allocateDirect(WRITE_BYTES);
        long at = 0;
        while (syncing.get()) {
          block.clear();
          ch.write(block, at);
          ch.force(false);
          syncs.incrementAndGet();
          at = (at + WRITE_BYTES) % FILE_BYTES;
        }
      } catch (IOException e) {
        failed.set(e);
      }
    });
    try {
      Thread.sleep(WARM_UP.toMillis());
      long before = syncs.get();
      Gaps gaps = watch(window);
      long during = syncs.get() - before;
      if (failed.get() != null) throw new IOException("writing and syncing " + file + " failed", failed.get());
      return new Seen(gaps, during, window);
    } finally {
      syncing.set(false);
      writer.join();
      Files.deleteIfExists(file);
    }
  }

  /** Reads the clock on a platform thread of its own for {@code window}, after a warm-up. */
  private static Gaps watch(Duration window) throws InterruptedException {
    Gaps[] result = new Gaps[1];
    Thread t = Thread.ofPlatform().name("bench-clock-reader").start(() -> {
      spin(WARM_UP.toNanos()); // so that the loop below runs compiled
      result[0] = spin(window.toNanos());
    });
    t.join();
    return result[0];
  }

  private static Gaps spin(long nanos) {
    Gaps gaps = new Gaps(STALL.toNanos());
    long now = System.nanoTime();
    long end = now + nanos;
    while (now < end) now = gaps.read(System.nanoTime());
    return gaps;
  }

  /** Counts the gaps longer than a threshold between successive clock reads, and keeps the longest. */
  static final class Gaps {
    private final long thresholdNanos;
    private long last = Long.MIN_VALUE;
    private int count;
    private long longest;

    Gaps(long thresholdNanos) {
      this.thresholdNanos = thresholdNanos;
    }

    /** Takes the next clock read and returns it. */
    long read(long now) {
      if (last != Long.MIN_VALUE) {
        long gap = now - last;
        if (gap > thresholdNanos) count++;
        if (gap > longest) longest = gap;
      }
      last = now;
      return now;
    }

    int count() {
      return count;
    }

    double longestMs() {
      return longest / 1e6;
    }
  }
}
