package dev.tasklane.chat.schedule;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words of a command's arguments, read front to back; what is left after the time or rule is
 * the message, exactly as typed.
 */
final class Words {
  private static final Pattern WORD = Pattern.compile("\\S+");
  private static final Pattern TIME = Pattern.compile("(\\d{1,2})(?::(\\d{2}))?\\s*(am|pm)?");

  private final String text;
  private final List<int[]> spans = new ArrayList<>();
  private int next;

  Words(String text) {
    this.text = text;
    Matcher m = WORD.matcher(text);
    while (m.find()) spans.add(new int[] {m.start(), m.end()});
  }

  /** The next word, lower case, or "" at the end. */
  String peek() {
    return peek(0);
  }

  String peek(int ahead) {
    int i = next + ahead;
    if (i >= spans.size()) return "";
    return text.substring(spans.get(i)[0], spans.get(i)[1]).toLowerCase(Locale.ROOT);
  }

  String take() {
    String w = peek();
    if (next < spans.size()) next++;
    return w;
  }

  boolean takeIf(String word) {
    if (!peek().equals(word)) return false;
    next++;
    return true;
  }

  /** Where the reading stands, to go back to it. */
  int mark() {
    return next;
  }

  void reset(int mark) {
    next = mark;
  }

  /** Everything from the next word on, as typed. */
  String rest() {
    return next >= spans.size() ? "" : text.substring(spans.get(next)[0]).strip();
  }

  /** The words read so far, as typed. */
  String read() {
    return next == 0 ? "" : text.substring(spans.get(0)[0], spans.get(next - 1)[1]);
  }

  /**
   * A time of day: {@code 17:30}, {@code 9:05}, {@code 9am}, {@code 5:30 pm}; a bare hour ({@code 9})
   * only when {@code bareHour} (after "at"). Empty, reading nothing, when the next word is no time.
   */
  Optional<LocalTime> time(boolean bareHour) {
    int start = next;
    String w = take();
    String suffix = peek();
    boolean separateSuffix = suffix.equals("am") || suffix.equals("pm");
    Matcher m = TIME.matcher(separateSuffix ? w + suffix : w);
    if (m.matches() && (m.group(2) != null || m.group(3) != null || bareHour)) {
      int hour = Integer.parseInt(m.group(1));
      int minute = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
      String half = m.group(3);
      if (half != null && (hour < 1 || hour > 12)) throw new IllegalArgumentException(w + " is no time of day");
      if (half != null) hour = hour % 12 + (half.equals("pm") ? 12 : 0);
      if (hour > 23 || minute > 59) throw new IllegalArgumentException(w + " is no time of day");
      if (separateSuffix) take();
      return Optional.of(LocalTime.of(hour, minute));
    }
    next = start;
    return Optional.empty();
  }

  /** {@code monday} or {@code mon} and so on, reading it; empty when the next word is no day of the week. */
  Optional<DayOfWeek> dayOfWeek() {
    String w = peek();
    if (w.length() < 3) return Optional.empty();
    for (DayOfWeek d : DayOfWeek.values()) {
      String name = d.name().toLowerCase(Locale.ROOT);
      if (name.equals(w) || name.substring(0, 3).equals(w) || (name + "s").equals(w)) {
        take();
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
