package dev.tasklane.agents.profile;

import dev.tasklane.agents.exec.ChildEnvironment;
import dev.tasklane.agents.exec.OutputFormat;
import java.time.Duration;
import java.util.List;

/**
 * A named way of answering free text: a command to run ({@link Kind#EXEC}, e.g. a CLI coding agent)
 * or a model to talk to ({@link Kind#LLM}).
 *
 * @param command for exec: the argument vector, with {@code {message}} and {@code {workdir}}
 *     placeholders (each replaced inside its own element, never split or given to a shell)
 * @param timeout how long one run may take
 * @param environment what its commands get of the environment (for llm: its command tool's): the
 *     safe base, the variables it passes through ({@code passEnv}) and its fixed values ({@code env})
 * @param format how the command's output is read
 * @param llm the model settings, for {@link Kind#LLM} (null for exec)
 */
public record AgentProfile(String name, Kind kind, List<String> command, Duration timeout, ChildEnvironment environment,
    OutputFormat format, LlmSettings llm) {

  /** What runs a profile's tasks. */
  public enum Kind {
    EXEC("exec"),
    LLM("llm");

    private final String taskKind;

    Kind(String taskKind) {
      this.taskKind = taskKind;
    }

    /** The task kind (handler name) its tasks get. */
    public String taskKind() {
      return taskKind;
    }
  }

  public AgentProfile {
    command = List.copyOf(command);
  }
}
