package dev.tasklane.agents.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A command to run: the argument vector (never passed through a shell unless the first element is
 * one), the working folder, its whole environment (nothing else of the server's is passed on; see
 * {@link ChildEnvironment}) and a timeout.
 */
public record Command(List<String> argv, Path cwd, Map<String, String> env, Duration timeout) {
  public Command {
    argv = List.copyOf(argv);
    if (cwd == null) throw new IllegalArgumentException("a command needs a working folder");
    env = env == null ? Map.of() : Map.copyOf(env);
    if (argv.isEmpty()) throw new IllegalArgumentException("a command needs at least one argument");
  }
}
