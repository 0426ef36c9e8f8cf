package dev.tasklane.app.client;

/** A one-line progress bar redrawn in place: {@code [#########-----------]  45%  message}. */
final class ProgressBar {
  static final int WIDTH = 30;

  private ProgressBar() {}

  /** The bar for a fraction in [0, 1], or a moving marker when the fraction is unknown (null). */
  static String render(Double fraction, String message, long tick) {
    StringBuilder sb = new StringBuilder("[");
    if (fraction == null) {
      int at = (int) (tick % WIDTH);
      for (int i = 0; i < WIDTH; i++) sb.append(i == at ? '#' : '-');
      sb.append("]   ?%");
    } else {
      int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * WIDTH);
      sb.append("#".repeat(filled)).append("-".repeat(WIDTH - filled));
      sb.append(String.format("] %3.0f%%", fraction * 100));
    }
    if (message != null && !message.isBlank()) sb.append("  ").append(message.strip());
    return sb.toString();
  }
}
