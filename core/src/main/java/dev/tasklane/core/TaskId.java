package dev.tasklane.core;

import java.util.Locale;

/**
 * A task's identity: a growing number shown in Crockford base 32, so ids sort by creation and
 * stay short enough to type in a chat ({@code /cancel 00KQ}). Parsing forgives case and the
 * letters people confuse with digits (I, L → 1; O → 0).
 */
public record TaskId(long value) implements Comparable<TaskId> {
  private static final char[] DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final int MIN_LENGTH = 4;

  public TaskId {
    if (value <= 0) throw new IllegalArgumentException("task id must be positive: " + value);
  }

  public static TaskId of(long value) {
    return new TaskId(value);
  }

  /** Parses the text form; throws {@link LaneException} with code {@code bad_request} if it is not one. */
  public static TaskId parse(String text) {
    if (text == null || text.isBlank() || text.length() > 13) throw invalid(text);
    long v = 0;
    for (char c : text.strip().toUpperCase(Locale.ROOT).toCharArray()) {
      int d = digit(c);
      if (d < 0 || v > (Long.MAX_VALUE >> 5)) throw invalid(text);
      v = (v << 5) | d;
    }
    if (v <= 0) throw invalid(text);
    return new TaskId(v);
  }

  private static int digit(char c) {
    return switch (c) {
      case 'O' -> 0;
      case 'I', 'L' -> 1;
      default -> {
        for (int i = 0; i < DIGITS.length; i++) if (DIGITS[i] == c) yield i;
        yield -1;
      }
    };
  }

  private static LaneException invalid(String text) {
    return new LaneException(ErrorCode.BAD_REQUEST, "not a task id: '" + text + "'");
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    long v = value;
    while (v > 0) {
      sb.append(DIGITS[(int) (v & 31)]);
      v >>>= 5;
    }
    while (sb.length() < MIN_LENGTH) sb.append('0');
    return sb.reverse().toString();
  }

  @Override
  public int compareTo(TaskId o) {
    return Long.compare(value, o.value);
  }
}
