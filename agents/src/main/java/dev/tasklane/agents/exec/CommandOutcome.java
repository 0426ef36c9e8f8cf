package dev.tasklane.agents.exec;

/**
 * How a run ended.
 *
 * @param exitCode the command's exit code (-1 when it was stopped before it exited by itself)
 * @param timedOut true when the run's timeout stopped it
 * @param output the kept output lines (see {@link ExecOptions#maxOutputBytes()})
 * @param truncated true when output was dropped to stay within the limit
 * @param droppedBytes how many bytes of output were dropped
 * @param stderrTail the last lines of standard error
 */
public record CommandOutcome(int exitCode, boolean timedOut, String output, boolean truncated, long droppedBytes,
    String stderrTail) {}
