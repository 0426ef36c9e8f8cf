package dev.tasklane.agents.exec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.core.TaskFailure;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The input of an {@code exec} task, validated:
 * {@code {"command": ["argv", ...]}} or {@code {"shell": "..."}} (run with {@code sh -c}), and
 * optionally {@code "cwd"} (default: the session's folder), {@code "env"} (an object of strings),
 * {@code "timeoutSeconds"}, {@code "format"} ({@code plain} or {@code stream-json}) and
 * {@code "profile"} (the agent profile whose environment the command gets). Other fields are ignored.
 */
public record ExecInput(List<String> argv, Path cwd, Map<String, String> env, Duration timeout, OutputFormat format,
    String profile) {
  public static final String BAD_INPUT = "bad_input";
  /** The longest timeout an input may ask for. */
  public static final Duration MAX_TIMEOUT = Duration.ofDays(1);

  public ExecInput {
    argv = List.copyOf(argv);
    env = Map.copyOf(env);
  }

  /** Reads and checks an input; a wrong shape is a permanent {@code bad_input} failure. */
  public static ExecInput parse(JsonNode in) throws TaskFailure {
    return read(in, true);
  }

  /**
   * Checks an input's shape only, as a submit does: whether its {@code cwd} exists is for the node
   * that runs the task to say.
   */
  public static void checkShape(JsonNode in) throws TaskFailure {
    read(in, false);
  }

  private static ExecInput read(JsonNode in, boolean onThisNode) throws TaskFailure {
    if (in == null || !in.isObject()) throw bad("the input must be a JSON object with \"command\" or \"shell\"");
    boolean hasCommand = in.has("command");
    boolean hasShell = in.has("shell");
    if (hasCommand == hasShell) throw bad("give exactly one of \"command\" (an array of strings) or \"shell\" (a string)");
    List<String> argv = hasCommand ? argv(in.get("command")) : List.of("sh", "-c", shell(in.get("shell")));
    JsonNode profile = in.get("profile");
    if (profile != null && !profile.isNull() && !profile.isTextual()) throw bad("\"profile\" must be a profile name");
    return new ExecInput(argv, cwd(in.get("cwd"), onThisNode), env(in.get("env")), timeout(in.get("timeoutSeconds")),
        format(in.get("format")), profile == null || profile.isNull() ? null : profile.asText());
  }

  private static List<String> argv(JsonNode n) throws TaskFailure {
    if (!n.isArray() || n.isEmpty()) throw bad("\"command\" must be a non-empty array of strings");
    List<String> argv = new ArrayList<>();
    for (JsonNode a : n) {
      if (!a.isTextual()) throw bad("\"command\" must contain only strings, found " + a.getNodeType().name().toLowerCase());
      if (a.asText().indexOf('\0') >= 0) throw bad("\"command\" arguments must not contain NUL characters");
      argv.add(a.asText());
    }
    if (argv.get(0).isBlank()) throw bad("\"command\" must start with a program name");
    return argv;
  }

  private static String shell(JsonNode n) throws TaskFailure {
    if (!n.isTextual() || n.asText().isBlank()) throw bad("\"shell\" must be a non-empty string");
    if (n.asText().indexOf('\0') >= 0) throw bad("\"shell\" must not contain NUL characters");
    return n.asText();
  }

  private static Path cwd(JsonNode n, boolean mustExist) throws TaskFailure {
    if (n == null || n.isNull()) return null;
    if (!n.isTextual() || n.asText().isBlank()) throw bad("\"cwd\" must be a folder path");
    try {
      Path p = Path.of(n.asText());
      if (mustExist && !Files.isDirectory(p)) throw bad("\"cwd\" " + n.asText() + " is not an existing folder");
      return p;
    } catch (InvalidPathException e) {
      throw bad("\"cwd\" is not a valid path: " + e.getMessage());
    }
  }

  private static Map<String, String> env(JsonNode n) throws TaskFailure {
    Map<String, String> env = new LinkedHashMap<>();
    if (n == null || n.isNull()) return env;
    if (!n.isObject()) throw bad("\"env\" must be an object of strings");
    for (var e : n.properties()) {
      if (e.getKey().isEmpty() || e.getKey().contains("=") || e.getKey().indexOf('\0') >= 0) {
        throw bad("\"env\" has an invalid variable name: \"" + e.getKey() + "\"");
      }
      if (!e.getValue().isTextual()) throw bad("\"env\"." + e.getKey() + " must be a string");
      env.put(e.getKey(), e.getValue().asText());
    }
    return env;
  }

  private static Duration timeout(JsonNode n) throws TaskFailure {
    if (n == null || n.isNull()) return null;
    if (!n.isNumber() || n.asDouble() <= 0) throw bad("\"timeoutSeconds\" must be a positive number");
    if (n.asDouble() > MAX_TIMEOUT.toSeconds()) throw bad("\"timeoutSeconds\" must be at most " + MAX_TIMEOUT.toSeconds());
    return Duration.ofMillis(Math.max(1, Math.round(n.asDouble() * 1000)));
  }

  private static OutputFormat format(JsonNode n) throws TaskFailure {
    if (n == null || n.isNull()) return OutputFormat.PLAIN;
    if (!n.isTextual()) throw bad("\"format\" must be \"plain\" or \"stream-json\"");
    return OutputFormat.parse(n.asText())
        .orElseThrow(() -> bad("\"format\" must be \"plain\" or \"stream-json\", not \"" + n.asText() + "\""));
  }

  private static TaskFailure bad(String message) {
    return TaskFailure.permanent(BAD_INPUT, message);
  }
}
