package dev.tasklane.agents.exec;

import dev.tasklane.core.TaskContext;

/** Reports steps of a task. */
public final class Steps {
  private Steps() {}

  /**
   * Counts a step with {@link TaskContext#step}. The engine's step counter fails while the fraction
   * is unknown (it unboxes a null fraction); until that is fixed the step is shown as a plain
   * progress message instead, which already carries its number ("step 3: ...").
   */
  public static void report(TaskContext ctx, String message) {
    try {
      ctx.step(message);
    } catch (NullPointerException e) {
      ctx.progress(null, message);
    }
  }
}
