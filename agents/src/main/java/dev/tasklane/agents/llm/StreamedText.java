package dev.tasklane.agents.llm;

import java.util.function.Consumer;

/** Collects streamed pieces of text and passes on whole lines as they complete. */
final class StreamedText {
  private final Consumer<String> lines;
  private final StringBuilder pending = new StringBuilder();

  StreamedText(Consumer<String> lines) {
    this.lines = lines;
  }

  synchronized void add(String piece) {
    if (piece == null) return;
    for (int i = 0; i < piece.length(); i++) {
      char c = piece.charAt(i);
      if (c == '\n') {
        lines.accept(pending.toString());
        pending.setLength(0);
      } else {
        pending.append(c);
      }
    }
  }

  /** Passes on the last, unfinished line. */
  synchronized void flush() {
    if (!pending.isEmpty()) lines.accept(pending.toString());
    pending.setLength(0);
  }
}
