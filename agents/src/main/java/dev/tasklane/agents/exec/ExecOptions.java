package dev.tasklane.agents.exec;

import java.time.Duration;

/**
 * Limits of the exec machinery.
 *
 * @param maxOutputBytes output kept per run for the result (UTF-8 bytes, default 1 MiB); beyond it the
 *     middle is dropped and the result says how many bytes
 * @param maxLineChars a longer line is split (default 16 384), so one endless line cannot eat memory
 * @param stderrTailLines how many of the last standard-error lines a failure message quotes (default 20)
 * @param killGrace how long a stopped process tree gets between SIGTERM and SIGKILL (default 2 s)
 * @param drainTimeout how long to wait for output after the command exited, e.g. when a background
 *     process it left holds the pipe open (default 2 s); then what is left of its process group is
 *     stopped
 * @param defaultTimeout the timeout of a run whose input names none (default 30 min; the task's
 *     deadline applies too)
 */
public record ExecOptions(
    int maxOutputBytes,
    int maxLineChars,
    int stderrTailLines,
    Duration killGrace,
    Duration drainTimeout,
    Duration defaultTimeout) {

  public ExecOptions {
    if (maxOutputBytes < 64) throw new IllegalArgumentException("maxOutputBytes must be at least 64");
    if (maxLineChars < 16) throw new IllegalArgumentException("maxLineChars must be at least 16");
    if (stderrTailLines < 1) throw new IllegalArgumentException("stderrTailLines must be at least 1");
    if (killGrace.isNegative() || drainTimeout.isNegative() || defaultTimeout.isNegative()) {
      throw new IllegalArgumentException("durations must not be negative");
    }
  }

  public static ExecOptions defaults() {
    return new ExecOptions(1 << 20, 16_384, 20, Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMinutes(30));
  }

  public ExecOptions withMaxOutputBytes(int bytes) {
    return new ExecOptions(bytes, maxLineChars, stderrTailLines, killGrace, drainTimeout, defaultTimeout);
  }

  public ExecOptions withKillGrace(Duration grace) {
    return new ExecOptions(maxOutputBytes, maxLineChars, stderrTailLines, grace, drainTimeout, defaultTimeout);
  }
}
