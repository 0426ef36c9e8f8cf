package dev.tasklane.agents.exec;

import java.util.Locale;
import java.util.Optional;

/** How a command's standard output is read: plain lines, or one JSON object per line. */
public enum OutputFormat {
  PLAIN,
  /** One JSON event per line, as CLI coding agents print with {@code --output-format stream-json}. */
  STREAM_JSON;

  public ProgressParser newParser() {
    return this == PLAIN ? new PlainLineParser() : new StreamJsonParser();
  }

  /** The configuration spelling: {@code plain} or {@code stream-json}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Optional<OutputFormat> parse(String s) {
    for (OutputFormat f : values()) {
      if (f.wire().equalsIgnoreCase(s)) return Optional.of(f);
    }
    return Optional.empty();
  }
}
