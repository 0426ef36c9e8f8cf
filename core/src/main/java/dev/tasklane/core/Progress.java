package dev.tasklane.core;

/**
 * How far a running task has come: a fraction in [0, 1] when the handler knows it (else null),
 * a human-readable message, and a count of steps done (with the total when known).
 */
public record Progress(Double fraction, String message, long steps, Long totalSteps) {
  public static final Progress NONE = new Progress(null, null, 0, null);

  public Progress {
    if (fraction != null) {
      if (fraction.isNaN()) fraction = null;
      else fraction = Math.max(0.0, Math.min(1.0, fraction));
    }
    steps = Math.max(0, steps);
  }

  public Progress withFraction(Double f, String msg) {
    return new Progress(f, msg, steps, totalSteps);
  }

  public Progress withStep(String msg) {
    // Double.valueOf: a bare double in one branch would unbox a null fraction in the other.
    Double f = totalSteps != null && totalSteps > 0 ? Double.valueOf((double) (steps + 1) / totalSteps) : fraction;
    return new Progress(f, msg, steps + 1, totalSteps);
  }
}
