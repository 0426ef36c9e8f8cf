package dev.tasklane.app;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Reads durations people type: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 2d}, or
 * ISO-8601 ({@code PT30S}).
 */
public final class Durations implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    String s = value.strip().toLowerCase(Locale.ROOT);
    try {
      if (s.startsWith("p")) return Duration.parse(s.toUpperCase(Locale.ROOT));
      if (s.endsWith("ms")) return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      long n = Long.parseLong(s.substring(0, s.length() - 1));
      return switch (s.charAt(s.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new NumberFormatException();
      };
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw new CommandLine.TypeConversionException("not a duration: '" + value + "' (try 30s, 2m, 1h, 2d, 500ms)");
    }
  }
}
