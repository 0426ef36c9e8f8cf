package dev.tasklane.agents.exec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Keeps the output of one run within a byte budget: everything while it fits; beyond that the first
 * half of the budget and the latest lines, with the bytes dropped in between counted. The beginning
 * says what the command set out to do, the end how it finished.
 */
final class CappedOutput {
  private final int maxBytes;
  private final List<String> head = new ArrayList<>();
  private final Deque<String> tail = new ArrayDeque<>();
  private long headBytes;
  private long tailBytes;
  private long droppedBytes;

  CappedOutput(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Adds one line (its newline counts as one byte). */
  synchronized void add(String line) {
    long size = bytes(line) + 1;
    if (tail.isEmpty() && headBytes + size <= maxBytes / 2) {
      head.add(line);
      headBytes += size;
      return;
    }
    long room = maxBytes - headBytes;
    if (size > room) {
      line = cutToBytes(line, (int) room - 1);
      long cutSize = bytes(line) + 1;
      droppedBytes += size - cutSize;
      size = cutSize;
    }
    tail.addLast(line);
    tailBytes += size;
    while (headBytes + tailBytes > maxBytes) {
      String gone = tail.removeFirst();
      long goneSize = bytes(gone) + 1;
      tailBytes -= goneSize;
      droppedBytes += goneSize;
    }
  }

  synchronized boolean truncated() {
    return droppedBytes > 0;
  }

  synchronized long droppedBytes() {
    return droppedBytes;
  }

  /** The kept lines; where bytes were dropped, a marker line says how many. */
  synchronized String text() {
    StringBuilder sb = new StringBuilder();
    head.forEach(l -> sb.append(l).append('\n'));
    if (droppedBytes > 0) sb.append("[... ").append(droppedBytes).append(" bytes of output dropped ...]\n");
    tail.forEach(l -> sb.append(l).append('\n'));
    if (!sb.isEmpty()) sb.setLength(sb.length() - 1);
    return sb.toString();
  }

  static long bytes(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else n += 3;
    }
    return n;
  }

  /** The end of {@code s} that fits in {@code max} UTF-8 bytes. */
  private static String cutToBytes(String s, int max) {
    if (max <= 0) return "";
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length <= max) return s;
    int start = b.length - max;
    while (start < b.length && (b[start] & 0xC0) == 0x80) start++; // not inside a character
    return new String(b, start, b.length - start, StandardCharsets.UTF_8);
  }
}
