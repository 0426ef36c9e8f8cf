package dev.tasklane.agents.exec;

/** Every line is output, and the latest line is the current status. */
public final class PlainLineParser implements ProgressParser {
  @Override
  public Reading read(String line) {
    return new Reading(line, null, line.isBlank() ? null : line);
  }
}
