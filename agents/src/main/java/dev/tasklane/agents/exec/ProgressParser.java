package dev.tasklane.agents.exec;

import java.util.Optional;

/**
 * Turns a command's standard output, line by line, into what the task shows: output text, steps and
 * a readable current status. One parser reads one run, from one thread at a time.
 */
public interface ProgressParser {
  /** Reads one line of standard output. */
  Reading read(String line);

  /** The agent's final answer, when its output named one (for example a stream-json result event). */
  default Optional<String> finalResult() {
    return Optional.empty();
  }

  /** The error the agent reported as its outcome, even if it exited with 0. */
  default Optional<String> error() {
    return Optional.empty();
  }

  /** Steps counted so far. */
  default long steps() {
    return 0;
  }

  /** Tool calls counted so far. */
  default long toolCalls() {
    return 0;
  }

  /**
   * How far the run got, in [0, 1], when its output said so (a count of steps, a percentage, the
   * items of the agent's plan done); null when it has not: the task then shows its elapsed time and
   * current step instead of a fraction.
   */
  default Double fraction() {
    return null;
  }

  /**
   * What one line means.
   *
   * @param output text to show as output and keep for the result, or null
   * @param step a new step starts, described by this text (null = no new step)
   * @param status the new current status when no step starts (null = unchanged)
   */
  record Reading(String output, String step, String status) {
    public static final Reading NOTHING = new Reading(null, null, null);
  }
}
