package dev.tasklane.agents.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.tasklane.agents.exec.Command;
import dev.tasklane.agents.exec.CommandOutcome;
import dev.tasklane.agents.exec.CommandRunner;
import dev.tasklane.core.TaskContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a command in the session's working folder through the exec machinery (process tree, output
 * cap, timeout, cancel), with the profile's command environment (never the model's API key unless the
 * profile passes it on). Only programs named in the profile's {@code allowedCommands} run, by exact
 * name; anything else is refused and the model is told which programs it may use.
 */
final class CommandTool implements AgentTool {
  static final String NAME = "run_command";

  private final List<String> allowed;
  private final CommandRunner runner;
  private final Path workdir;
  private final Map<String, String> env;
  private final Duration timeout;

  CommandTool(List<String> allowed, CommandRunner runner, Path workdir, Map<String, String> env, Duration timeout) {
    this.allowed = List.copyOf(allowed);
    this.runner = runner;
    this.workdir = workdir;
    this.env = Map.copyOf(env);
    this.timeout = timeout;
  }

  @Override
  public ToolSpecification spec() {
    return ToolSpecification.builder().name(NAME)
        .description("Runs a program in the conversation's working folder and returns its exit code and output. "
            + "Give the program and its arguments as an array, e.g. [\"git\", \"status\"]; no shell syntax. "
            + "Allowed programs: " + String.join(", ", allowed) + ".")
        .parameters(JsonObjectSchema.builder()
            .addProperty("command", JsonArraySchema.builder().items(new JsonStringSchema())
                .description("the program followed by its arguments").build())
            .required("command").build())
        .build();
  }

  @Override
  public String describe(JsonNode args) {
    return "running " + String.join(" ", argvOrEmpty(args));
  }

  @Override
  public String run(JsonNode args, TaskContext ctx) throws ToolException, InterruptedException {
    List<String> argv = argv(args);
    if (!allowed.contains(argv.get(0))) {
      throw new ToolException("\"" + argv.get(0) + "\" is not allowed here. Allowed programs: "
          + (allowed.isEmpty() ? "none" : String.join(", ", allowed)) + ".");
    }
    ctx.output("$ " + String.join(" ", argv));
    CommandOutcome o;
    try {
      o = runner.run(new Command(argv, workdir, env, timeout), (stream, line) -> {
        ctx.output(line);
        return line;
      }, ctx::onCancel);
    } catch (IOException e) {
      throw new ToolException("cannot start " + argv.get(0) + ": " + e.getMessage());
    }
    String head = o.timedOut() ? "stopped after the timeout of " + timeout.toSeconds() + " s"
        : "exit code " + o.exitCode();
    return head + (o.truncated() ? " (output shortened, " + o.droppedBytes() + " bytes left out)" : "") + "\n"
        + o.output();
  }

  private static List<String> argv(JsonNode args) throws ToolException {
    JsonNode c = args.path("command");
    if (!c.isArray() || c.isEmpty()) {
      throw new ToolException("\"command\" must be a non-empty array of strings, e.g. [\"ls\", \"-l\"]");
    }
    List<String> argv = new ArrayList<>();
    for (JsonNode a : c) {
      if (!a.isTextual() || a.asText().indexOf('\0') >= 0) throw new ToolException("\"command\" must hold only strings");
      argv.add(a.asText());
    }
    return argv;
  }

  private static List<String> argvOrEmpty(JsonNode args) {
    try {
      return argv(args);
    } catch (ToolException e) {
      return List.of("(a malformed command)");
    }
  }
}
