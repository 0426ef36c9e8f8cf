package dev.tasklane.agents.profile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.agents.exec.ChildEnvironment;
import dev.tasklane.agents.exec.ExecOptions;
import dev.tasklane.agents.exec.OutputFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and checks the {@code "agents"} section; every error names the file and the setting. */
final class ProfileReader {
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Set<String> SHELLS = Set.of("sh", "bash", "zsh", "dash", "ksh", "fish");

  private final Map<String, String> env;
  private final String source;

  ProfileReader(Map<String, String> env, String source) {
    this.env = env;
    this.source = source;
  }

  List<AgentProfile> profiles(JsonNode agents) {
    if (!agents.isObject()) throw error("agents", "must be an object with \"profiles\"");
    JsonNode profiles = agents.path("profiles");
    if (profiles.isMissingNode() || profiles.isNull()) return List.of();
    if (!profiles.isObject()) throw error("agents.profiles", "must be an object of named profiles");
    List<AgentProfile> out = new ArrayList<>();
    for (var e : profiles.properties()) out.add(profile(e.getKey(), e.getValue()));
    return out;
  }

  String defaultName(JsonNode agents) {
    JsonNode d = agents.path("default");
    if (d.isMissingNode() || d.isNull()) return null;
    if (!d.isTextual()) throw error("agents.default", "must be a profile name");
    return d.asText();
  }

  /** The {@code agents.exec} limits; absent settings keep {@link ExecOptions#defaults()}. */
  ExecOptions execOptions(JsonNode agents) {
    ExecOptions d = ExecOptions.defaults();
    JsonNode e = agents.path("exec");
    if (e.isMissingNode() || e.isNull()) return d;
    if (!e.isObject()) throw error("agents.exec", "must be an object");
    return new ExecOptions(integer(e, "agents.exec", "maxOutputBytes", d.maxOutputBytes(), 64, 256 << 20),
        integer(e, "agents.exec", "maxLineChars", d.maxLineChars(), 16, 1 << 24),
        integer(e, "agents.exec", "stderrTailLines", d.stderrTailLines(), 1, 1000),
        seconds(e, "agents.exec", "killGraceSeconds", d.killGrace()),
        seconds(e, "agents.exec", "drainTimeoutSeconds", d.drainTimeout()), d.defaultTimeout());
  }

  /** The {@code agents.exec} environment of commands without a profile ({@code /run}, direct exec tasks). */
  ChildEnvironment commandEnvironment(JsonNode agents) {
    JsonNode e = agents.path("exec");
    if (e.isMissingNode() || e.isNull()) return ChildEnvironment.BASE_ONLY;
    return environment(e, "agents.exec");
  }

  /** The {@code assistant} profile made from OPENAI_BASE_URL, OPENAI_API_KEY and TASKLANE_MODEL. */
  AgentProfile fromEnvironment(String name) {
    return new AgentProfile(name, AgentProfile.Kind.LLM, List.of(), DEFAULT_TIMEOUT, ChildEnvironment.BASE_ONLY,
        OutputFormat.PLAIN,
        llm("agents.profiles." + name, com.fasterxml.jackson.databind.node.MissingNode.getInstance()));
  }

  private AgentProfile profile(String name, JsonNode p) {
    String at = "agents.profiles." + name;
    if (!NAME.matcher(name).matches()) {
      throw error(at, "is not a valid profile name (letters, digits, '_', '.', '-'; at most 64)");
    }
    if (!p.isObject()) throw error(at, "must be an object");
    String kind = text(p, at, "kind", "exec");
    Duration timeout = seconds(p, at, "timeoutSeconds", DEFAULT_TIMEOUT);
    return switch (kind) {
      case "exec" -> new AgentProfile(name, AgentProfile.Kind.EXEC, command(p, at), timeout, environment(p, at),
          format(p, at), null);
      case "llm" -> new AgentProfile(name, AgentProfile.Kind.LLM, List.of(), timeout, environment(p, at),
          OutputFormat.PLAIN, llm(at, p));
      default -> throw error(at + ".kind", "must be \"exec\" or \"llm\", not \"" + kind + "\"");
    };
  }

  private LlmSettings llm(String at, JsonNode p) {
    String model = text(p, at, "model", env.get("TASKLANE_MODEL"));
    if (!AgentsConfig.present(model)) throw error(at + ".model", "is required (or set TASKLANE_MODEL)");
    String baseUrl = text(p, at, "baseUrl", or(env.get("OPENAI_BASE_URL"), LlmSettings.DEFAULT_BASE_URL));
    if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
      throw error(at + ".baseUrl", "must be an http:// or https:// URL");
    }
    String keyEnv = text(p, at, "apiKeyEnv", "OPENAI_API_KEY");
    String apiKey = text(p, at, "apiKey", or(env.get(keyEnv), "none"));
    return new LlmSettings(baseUrl, apiKey, model, text(p, at, "systemPrompt", LlmSettings.DEFAULT_SYSTEM_PROMPT),
        integer(p, at, "maxRounds", 8, 1, 100), seconds(p, at, "requestTimeoutSeconds", Duration.ofSeconds(120)),
        integer(p, at, "historyTurns", 20, 0, 500), strings(p, at, "allowedCommands"),
        seconds(p, at, "commandTimeoutSeconds", Duration.ofSeconds(120)),
        integer(p, at, "fetchMaxBytes", 512 * 1024, 1, 64 << 20), seconds(p, at, "fetchTimeoutSeconds",
            Duration.ofSeconds(20)), integer(p, at, "maxToolOutputChars", 16_000, 100, 1_000_000),
        bool(p, at, "images", true));
  }

  private boolean bool(JsonNode p, String at, String key, boolean fallback) {
    JsonNode n = p.path(key);
    if (n.isMissingNode() || n.isNull()) return fallback;
    if (!n.isBoolean()) throw error(at + "." + key, "must be true or false");
    return n.asBoolean();
  }

  private List<String> command(JsonNode p, String at) {
    List<String> command = strings(p, at, "command");
    if (command.isEmpty() || command.get(0).isBlank()) {
      throw error(at + ".command", "must be a non-empty array of strings, e.g. [\"claude\", \"-p\", \"{message}\"]");
    }
    checkNoPlaceholderInShellScript(command, at);
    return command;
  }

  /**
   * A placeholder inside a shell script ({@code ["sh", "-c", "agent {message}"]}) would let the
   * user's text run as shell code; the message must be its own argument ({@code "$1"}) instead.
   */
  private void checkNoPlaceholderInShellScript(List<String> command, String at) {
    String program = command.get(0).substring(command.get(0).lastIndexOf('/') + 1);
    if (!SHELLS.contains(program)) return;
    for (int i = 1; i < command.size() - 1; i++) {
      if (command.get(i).matches("-[a-z]*c[a-z]*")
          && CommandTemplate.hasPlaceholder(command.get(i + 1))) {
        throw error(at + ".command", "puts a placeholder inside a shell script, where the message would run as "
            + "shell code; pass it as an argument instead: [\"sh\", \"-c\", \"agent \\\"$1\\\"\", \"sh\", \"{message}\"]");
      }
    }
  }

  /**
   * A command environment: {@code "env"} (fixed values) and {@code "passEnv"} (names passed through
   * from the server's environment; Tasklane's own {@code TASKLANE_*} settings and secrets never are).
   */
  ChildEnvironment environment(JsonNode p, String at) {
    Set<String> pass = new LinkedHashSet<>(strings(p, at, "passEnv"));
    for (String name : pass) {
      if (name.isEmpty() || name.contains("=")) throw error(at + ".passEnv", "must hold variable names");
      if (name.startsWith("TASKLANE_")) {
        throw error(at + ".passEnv", "names " + name + ": Tasklane's own settings and secrets are never passed on");
      }
    }
    return new ChildEnvironment(pass, env(p, at));
  }

  private Map<String, String> env(JsonNode p, String at) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode e = p.path("env");
    if (e.isMissingNode() || e.isNull()) return out;
    if (!e.isObject()) throw error(at + ".env", "must be an object of strings");
    for (var v : e.properties()) {
      if (!v.getValue().isTextual() || v.getKey().isEmpty() || v.getKey().contains("=")) {
        throw error(at + ".env." + v.getKey(), "must be a string, under a name without '='");
      }
      out.put(v.getKey(), v.getValue().asText());
    }
    return out;
  }

  private OutputFormat format(JsonNode p, String at) {
    String f = text(p, at, "format", "plain");
    return OutputFormat.parse(f).orElseThrow(() -> error(at + ".format", "must be \"plain\" or \"stream-json\""));
  }

  private List<String> strings(JsonNode p, String at, String key) {
    JsonNode n = p.path(key);
    List<String> out = new ArrayList<>();
    if (n.isMissingNode() || n.isNull()) return out;
    if (!n.isArray()) throw error(at + "." + key, "must be an array of strings");
    for (JsonNode s : n) {
      if (!s.isTextual()) throw error(at + "." + key, "must contain only strings");
      out.add(s.asText());
    }
    return out;
  }

  private String text(JsonNode p, String at, String key, String fallback) {
    JsonNode n = p.path(key);
    if (n.isMissingNode() || n.isNull()) return fallback;
    if (!n.isTextual()) throw error(at + "." + key, "must be a string");
    return n.asText();
  }

  private int integer(JsonNode p, String at, String key, int fallback, int min, int max) {
    JsonNode n = p.path(key);
    if (n.isMissingNode() || n.isNull()) return fallback;
    if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < min || n.asInt() > max) {
      throw error(at + "." + key, "must be a whole number from " + min + " to " + max);
    }
    return n.asInt();
  }

  private Duration seconds(JsonNode p, String at, String key, Duration fallback) {
    JsonNode n = p.path(key);
    if (n.isMissingNode() || n.isNull()) return fallback;
    if (!n.isNumber() || n.asDouble() <= 0 || n.asDouble() > 86_400) {
      throw error(at + "." + key, "must be a number of seconds from 0 to 86400");
    }
    return Duration.ofMillis(Math.round(n.asDouble() * 1000));
  }

  private static String or(String a, String b) {
    return AgentsConfig.present(a) ? a : b;
  }

  private ConfigException error(String setting, String problem) {
    return new ConfigException(source + ": " + setting + " " + problem);
  }
}
