package dev.tasklane.app.client;

import java.time.Duration;

/**
 * A task's progress as one line: {@code [#########-----------]  45%  1m 05s  compiling} when the
 * task reports a fraction, {@code [-----#--------------]  1m 05s  compiling} (a moving marker and the
 * elapsed time, never a made-up percentage) when it does not.
 */
final class ProgressBar {
  static final int WIDTH = 30;

  private ProgressBar() {}

  /** The bar for a fraction in [0, 1], or a marker moving with {@code tick} when the fraction is unknown (null). */
  static String render(Double fraction, Duration elapsed, String message, long tick) {
    StringBuilder sb = new StringBuilder("[");
    if (fraction == null) {
      int at = (int) (tick % WIDTH);
      for (int i = 0; i < WIDTH; i++) sb.append(i == at ? '#' : '-');
      sb.append(']');
    } else {
      int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * WIDTH);
      sb.append("#".repeat(filled)).append("-".repeat(WIDTH - filled));
      sb.append(String.format("] %3.0f%%", fraction * 100));
    }
    return sb.append(line(null, elapsed, message)).toString();
  }

  /**
   * The same without the bar, for output that is not a terminal: {@code  45%  1m 05s  compiling}, or
   * {@code  1m 05s  compiling}.
   */
  static String line(Double fraction, Duration elapsed, String message) {
    StringBuilder sb = new StringBuilder();
    if (fraction != null) sb.append(String.format("  %.0f%%", fraction * 100));
    if (elapsed != null) sb.append("  ").append(elapsed(elapsed));
    if (message != null && !message.isBlank()) sb.append("  ").append(message.strip());
    return sb.toString();
  }

  /** {@code 45s}, {@code 3m 05s}, {@code 1h 05m}. */
  static String elapsed(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) return s + "s";
    if (s < 3600) return String.format("%dm %02ds", s / 60, s % 60);
    return String.format("%dh %02dm", s / 3600, (s % 3600) / 60);
  }
}
