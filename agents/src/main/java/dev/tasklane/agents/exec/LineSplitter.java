package dev.tasklane.agents.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Reads a stream as UTF-8 lines, splitting lines longer than a limit so no line grows without bound. */
final class LineSplitter {
  private LineSplitter() {}

  /** Calls {@code sink} for every line until the end of the stream; a trailing partial line counts. */
  static void readLines(InputStream in, int maxLineChars, Consumer<String> sink) throws IOException {
    try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      char[] buf = new char[8192];
      StringBuilder line = new StringBuilder();
      int n;
      while ((n = r.read(buf)) >= 0) {
        for (int i = 0; i < n; i++) {
          char c = buf[i];
          if (c == '\n') {
            emit(line, sink);
          } else {
            line.append(c);
            if (line.length() >= maxLineChars) emit(line, sink);
          }
        }
      }
      if (!line.isEmpty()) emit(line, sink);
    }
  }

  private static void emit(StringBuilder line, Consumer<String> sink) {
    int end = line.length();
    if (end > 0 && line.charAt(end - 1) == '\r') end--;
    sink.accept(line.substring(0, end));
    line.setLength(0);
  }
}
