package dev.tasklane.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a long text into parts a platform accepts. Cuts after a line break when there is one in
 * the second half of a part, else after a space, else at the limit (never inside a surrogate pair),
 * so that the parts joined give back the text exactly.
 */
final class MessageSplitter {
  private MessageSplitter() {}

  static List<String> split(String text, int maxChars) {
    if (maxChars < 2) throw new IllegalArgumentException("maxChars must be at least 2");
    List<String> parts = new ArrayList<>();
    int start = 0;
    while (text.length() - start > maxChars) {
      int cut = cut(text, start, start + maxChars);
      parts.add(text.substring(start, cut));
      start = cut;
    }
    parts.add(text.substring(start));
    return parts;
  }

  /** Where to end the part that starts at {@code start} and may end at {@code limit} at the latest. */
  private static int cut(String text, int start, int limit) {
    int half = start + (limit - start) / 2;
    int newline = text.lastIndexOf('\n', limit - 1);
    if (newline >= half) return newline + 1;
    int space = text.lastIndexOf(' ', limit - 1);
    if (space >= half) return space + 1;
    return Character.isHighSurrogate(text.charAt(limit - 1)) ? limit - 1 : limit;
  }
}
