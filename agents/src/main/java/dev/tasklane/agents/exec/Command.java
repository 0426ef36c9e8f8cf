package dev.tasklane.agents.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A command to run: the argument vector (never passed through a shell unless the first element is
 * one), the working folder (null = the process's), extra environment variables and a timeout.
 */
public record Command(List<String> argv, Path cwd, Map<String, String> env, Duration timeout) {
  public Command {
    argv = List.copyOf(argv);
    env = env == null ? Map.of() : Map.copyOf(env);
    if (argv.isEmpty()) throw new IllegalArgumentException("a command needs at least one argument");
  }
}
