package dev.tasklane.agents.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tasklane.agents.exec.ChildEnvironment;
import dev.tasklane.agents.exec.Environments;
import dev.tasklane.agents.exec.ExecOptions;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The agent profiles of a Tasklane installation: the {@code "agents"} section of the configuration
 * file ({@code tasklane.json}, {@code tasklane.yaml} or {@code config.json} in the data folder, or the
 * file given with {@code --config}). docs/AGENTS.md shows a complete example.
 *
 * <p>Without any profile, but with {@code TASKLANE_MODEL} set in the environment, one {@code llm}
 * profile named {@code assistant} is made from {@code OPENAI_BASE_URL}, {@code OPENAI_API_KEY} and
 * {@code TASKLANE_MODEL}.
 */
public final class AgentsConfig {
  /** The file names looked for in the data folder, in this order. */
  public static final List<String> FILE_NAMES = List.of("tasklane.json", "tasklane.yaml", "tasklane.yml",
      "config.json", "config.yaml", "config.yml");

  private final Map<String, AgentProfile> profiles;
  private final String defaultProfile;
  private final ExecOptions execOptions;
  private final ChildEnvironment commandEnvironment;

  public AgentsConfig(Collection<AgentProfile> profiles, String defaultProfile) {
    this(profiles, defaultProfile, ExecOptions.defaults(), ChildEnvironment.BASE_ONLY);
  }

  /**
   * @param commandEnvironment what commands without a profile get ({@code /run}, {@code exec} tasks
   *     submitted directly): {@code agents.exec.env} and {@code agents.exec.passEnv}
   */
  public AgentsConfig(Collection<AgentProfile> profiles, String defaultProfile, ExecOptions execOptions,
      ChildEnvironment commandEnvironment) {
    this.execOptions = execOptions;
    this.commandEnvironment = commandEnvironment;
    Map<String, AgentProfile> m = new LinkedHashMap<>();
    for (AgentProfile p : profiles) m.put(p.name(), p);
    this.profiles = java.util.Collections.unmodifiableMap(m);
    if (defaultProfile != null && !m.containsKey(defaultProfile)) {
      throw new ConfigException("agents.default names \"" + defaultProfile + "\", which is not among the profiles "
          + m.keySet());
    }
    this.defaultProfile = defaultProfile != null ? defaultProfile : m.keySet().stream().findFirst().orElse(null);
  }

  /** No profiles: free text gets the "how to configure an agent" reply. */
  public static AgentsConfig empty() {
    return new AgentsConfig(List.of(), null);
  }

  /**
   * Loads the configuration: {@code explicit} if given (it must exist), else the first of
   * {@link #FILE_NAMES} found in {@code dataDir}, else none (only the environment).
   */
  public static AgentsConfig load(Path dataDir, Path explicit, Map<String, String> env) {
    Optional<Path> file = locate(dataDir, explicit);
    if (file.isEmpty()) return fromTree(null, env, "the environment");
    return fromTree(read(file.get()), env, file.get().toString());
  }

  /** The configuration file that {@link #load} reads, if any. */
  public static Optional<Path> locate(Path dataDir, Path explicit) {
    if (explicit != null) {
      if (!Files.isRegularFile(explicit)) throw new ConfigException("configuration file " + explicit + " does not exist");
      return Optional.of(explicit);
    }
    if (dataDir == null) return Optional.empty();
    return FILE_NAMES.stream().map(dataDir::resolve).filter(Files::isRegularFile).findFirst();
  }

  /** Reads a JSON or YAML file (by its extension) into a tree. */
  public static JsonNode read(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml") ? new YAMLMapper() : new ObjectMapper();
    try {
      JsonNode tree = mapper.readTree(file.toFile());
      if (tree != null && !tree.isObject() && !tree.isMissingNode()) {
        throw new ConfigException(file + ": the configuration must be an object");
      }
      return tree;
    } catch (JsonProcessingException e) {
      throw new ConfigException(syntaxError(file, name.endsWith(".json") ? "JSON" : "YAML", e), e);
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Where the file stops being JSON (or YAML) and what was found there, in the reader's words minus
   * its internals (class names, feature flags, character codes), and what to do.
   */
  static String syntaxError(Path file, String format, JsonProcessingException e) {
    String what = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
    what = what.replaceAll("\\s*\\((?:code \\d+|not recognized as one since Feature[^)]*)\\)", "")
        .replaceAll("\\s*\\([^()]*(?:Feature|JsonReadFeature|com\\.fasterxml)[^()]*\\)", "").strip();
    JsonLocation at = e.getLocation();
    String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return file + " is not valid " + format + where + (what.isEmpty() ? "" : ": " + what)
        + ". Fix that spot (a missing or extra comma, quote or bracket is the usual cause) and start again.";
  }

  /**
   * Builds the configuration from a whole configuration tree (only its {@code "agents"} section is
   * read; null = no file). {@code source} names the file in error messages.
   */
  public static AgentsConfig fromTree(JsonNode root, Map<String, String> env, String source) {
    JsonNode agents = root == null ? null : root.get("agents");
    List<AgentProfile> list = new ArrayList<>();
    String defaultName = null;
    ExecOptions exec = ExecOptions.defaults();
    ChildEnvironment commands = ChildEnvironment.BASE_ONLY;
    if (agents != null && !agents.isNull()) {
      ProfileReader reader = new ProfileReader(env, source);
      list.addAll(reader.profiles(agents));
      defaultName = reader.defaultName(agents);
      exec = reader.execOptions(agents);
      commands = reader.commandEnvironment(agents);
    }
    if (list.isEmpty() && present(env.get("TASKLANE_MODEL"))) {
      list.add(new ProfileReader(env, source).fromEnvironment("assistant"));
    }
    try {
      return new AgentsConfig(list, defaultName, exec, commands);
    } catch (ConfigException e) {
      throw new ConfigException(source + ": " + e.getMessage());
    }
  }

  /** The limits of commands run by {@code exec} tasks and the model's command tool ({@code agents.exec}). */
  public ExecOptions execOptions() {
    return execOptions;
  }

  /** What commands without a profile get of the environment ({@code agents.exec.env}, {@code passEnv}). */
  public ChildEnvironment commandEnvironment() {
    return commandEnvironment;
  }

  /** What each profile's commands get of the server's environment, and commands without one. */
  public Environments environments(Map<String, String> server) {
    Map<String, ChildEnvironment> byProfile = new LinkedHashMap<>();
    profiles.values().forEach(p -> byProfile.put(p.name(), p.environment()));
    return new Environments(server, commandEnvironment, byProfile);
  }

  public Map<String, AgentProfile> profiles() {
    return profiles;
  }

  public Optional<AgentProfile> profile(String name) {
    return Optional.ofNullable(name == null ? null : profiles.get(name));
  }

  /** The profile used when a session chose none: {@code agents.default}, else the first one. */
  public Optional<AgentProfile> defaultProfile() {
    return profile(defaultProfile);
  }

  public boolean isEmpty() {
    return profiles.isEmpty();
  }

  static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
