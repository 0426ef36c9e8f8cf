package dev.tasklane.agents.exec;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every line is output, and the latest line is the current status. A line that says how far the
 * command got sets the task's fraction, which then stays until another such line: {@code [3/10]} or
 * {@code (3/10)}, {@code [ 45%]}, a line starting with {@code 3/10} or {@code 45%}, or a counted word
 * such as {@code step 3 of 10}, {@code test 3/10}, {@code file 3 of 10}. A percentage or count
 * anywhere else in a line ("20% faster", "1 of the 3 tests") is ordinary text.
 */
public final class PlainLineParser implements ProgressParser {
  private static final String OF = "\\s*(?:/|\\s+of\\s+)\\s*";
  private static final List<Pattern> COUNTS = List.of(
      Pattern.compile("[\\[(]\\s*(\\d{1,9})" + OF + "(\\d{1,9})\\s*[\\])]"),
      Pattern.compile("^\\s*(\\d{1,9})" + OF + "(\\d{1,9})\\b"),
      Pattern.compile("(?i)\\b(?:step|stage|phase|task|test|file|item|part|chunk|batch|page|record|row)s?\\s+"
          + "(\\d{1,9})" + OF + "(\\d{1,9})\\b"));
  private static final List<Pattern> PERCENTS = List.of(
      Pattern.compile("\\[\\s*(\\d{1,3}(?:\\.\\d+)?)\\s*%\\s*]"),
      Pattern.compile("^\\s*(\\d{1,3}(?:\\.\\d+)?)\\s*%"));

  private Double fraction;

  @Override
  public Reading read(String line) {
    Double f = fractionIn(line);
    if (f != null) fraction = f;
    return new Reading(line, null, line.isBlank() ? null : line);
  }

  @Override
  public Double fraction() {
    return fraction;
  }

  /** How far a line says the command got, or null if it does not say. */
  static Double fractionIn(String line) {
    for (Pattern p : COUNTS) {
      Matcher m = p.matcher(line);
      if (m.find()) {
        long done = Long.parseLong(m.group(1));
        long total = Long.parseLong(m.group(2));
        if (total > 0 && done <= total) return (double) done / total;
      }
    }
    for (Pattern p : PERCENTS) {
      Matcher m = p.matcher(line);
      if (m.find()) {
        double pct = Double.parseDouble(m.group(1));
        if (pct <= 100) return pct / 100;
      }
    }
    return null;
  }
}
