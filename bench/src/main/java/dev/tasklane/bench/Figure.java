package dev.tasklane.bench;

/**
 * One measured figure: a name such as {@code drain.tasklane}, its unit, its value, and whether the
 * measurement finished. A measurement that timed out or failed keeps its name and carries no value,
 * so the report says so instead of showing a number that was never measured.
 *
 * @param value the figure, or null when {@code status} is not {@link Status#OK}
 * @param note the settings it was measured with, or why it has no value
 */
public record Figure(String name, String unit, Double value, Status status, String note) {

  /** Whether a measurement produced its figure. */
  public enum Status {
    OK,
    TIMED_OUT,
    FAILED
  }

  public static Figure of(String name, String unit, double value, String note) {
    return new Figure(name, unit, value, Status.OK, note);
  }

  public static Figure timedOut(String name, String unit, String why) {
    return new Figure(name, unit, null, Status.TIMED_OUT, why);
  }

  public static Figure failed(String name, String unit, String why) {
    return new Figure(name, unit, null, Status.FAILED, why);
  }

  public boolean ok() {
    return status == Status.OK;
  }
}
