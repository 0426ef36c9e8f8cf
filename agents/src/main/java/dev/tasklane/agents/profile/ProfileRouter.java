package dev.tasklane.agents.profile;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.core.SubmitRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Turns a chat's free text into a task of the session's agent profile, and answers {@code /agent}.
 * The chat module's {@code AgentRouter} is this class's {@link #taskFor} (adapt it with a method
 * reference); with no profile configured, {@link #taskFor} is empty and the chat says how to
 * configure one.
 */
public final class ProfileRouter {
  /** Extra time the engine's deadline gives a run beyond its own timeout, so the clearer timeout fires first. */
  static final Duration DEADLINE_MARGIN = Duration.ofSeconds(30);
  public static final String HOW_TO_CONFIGURE = "No agent is configured yet. Add a profile under \"agents\" in "
      + "tasklane.json in the data folder (see docs/AGENTS.md), or set TASKLANE_MODEL (with OPENAI_BASE_URL and "
      + "OPENAI_API_KEY) to use an OpenAI-compatible model. Meanwhile /run <command> runs a command.";

  /** The line {@code /help} shows for {@code /agent}. */
  public static final String AGENT_COMMAND_HELP = "which agent answers this chat; /agent <name> switches to another";

  private final AgentsConfig config;
  private final AgentChoices choices;
  private final SessionFolders folders;

  public ProfileRouter(AgentsConfig config, AgentChoices choices, SessionFolders folders) {
    this.config = config;
    this.choices = choices;
    this.folders = folders;
  }

  /** The task that answers {@code text} in this session, or empty when no agent is configured. */
  public Optional<SubmitRequest.Builder> taskFor(String sessionKey, String text) {
    return profileFor(sessionKey).map(p -> task(p, sessionKey, text));
  }

  /**
   * The task that runs {@code text} with the named profile ({@code null} = the session's), or empty
   * when there is no such profile. Background tasks the model starts are made here.
   */
  public Optional<SubmitRequest.Builder> taskForProfile(String profile, String sessionKey, String text) {
    Optional<AgentProfile> p = profile == null ? profileFor(sessionKey) : config.profile(profile);
    return p.map(x -> task(x, sessionKey, text));
  }

  /** The session's working folder, created if missing. */
  public Path workdir(String sessionKey) {
    return folders.folder(sessionKey);
  }

  public AgentsConfig config() {
    return config;
  }

  /** The session's chosen profile if it still exists, else the default. */
  public Optional<AgentProfile> profileFor(String sessionKey) {
    if (config.isEmpty()) return Optional.empty();
    return choices.get(sessionKey).flatMap(config::profile).or(config::defaultProfile);
  }

  /**
   * The {@code /agent} command: without arguments it lists the profiles the caller may use and marks
   * the session's; with a name it switches the session to that profile (kept across restarts).
   *
   * @param mayUse which profiles the caller is granted (docs/SECURITY.md); another is refused
   */
  public String agentCommand(String sessionKey, String args, Predicate<String> mayUse) {
    if (config.isEmpty()) return HOW_TO_CONFIGURE;
    String name = args == null ? "" : args.strip();
    if (name.isEmpty()) return list(sessionKey, mayUse);
    Optional<AgentProfile> p = config.profile(name);
    if (p.isEmpty()) return "There is no agent named \"" + name + "\". " + names(mayUse);
    if (!mayUse.test(name)) {
      return "The agent " + name + " is not granted to you, so this chat keeps its agent. An admin grants it with a"
          + " role that has \"profiles\": [\"" + name + "\"] (see docs/SECURITY.md). (forbidden)";
    }
    choices.set(sessionKey, name);
    return "This chat now uses the agent " + name + " (" + p.get().kind().taskKind() + ").";
  }

  private String list(String sessionKey, Predicate<String> mayUse) {
    String current = profileFor(sessionKey).map(AgentProfile::name).orElse(null);
    String lines = config.profiles().values().stream().filter(p -> mayUse.test(p.name()))
        .map(p -> "- " + p.name() + " (" + p.kind().taskKind() + ")" + (p.name().equals(current) ? ", in use" : ""))
        .collect(Collectors.joining("\n"));
    if (lines.isEmpty()) return "No agent is granted to you here" + (current == null ? "." : "; this chat uses "
        + current + ".");
    return "Agents:\n" + lines + "\nSwitch with /agent <name>.";
  }

  private String names(Predicate<String> mayUse) {
    return "Agents: " + String.join(", ", config.profiles().keySet().stream().filter(mayUse).toList()) + ".";
  }

  private SubmitRequest.Builder task(AgentProfile p, String sessionKey, String text) {
    Path workdir = folders.folder(sessionKey);
    ObjectNode input = JsonNodeFactory.instance.objectNode().put("profile", p.name());
    if (p.kind() == AgentProfile.Kind.EXEC) {
      input.put("message", text); // what the user asked: the task's title, beside the command built around it
      var argv = input.putArray("command");
      CommandTemplate.expand(p.command(), Map.of(CommandTemplate.MESSAGE, text,
          CommandTemplate.WORKDIR, workdir.toString())).forEach(argv::add);
      input.put("cwd", workdir.toString()).put("timeoutSeconds", p.timeout().toMillis() / 1000.0)
          .put("format", p.format().wire());
    } else {
      input.put("message", text).put("workdir", workdir.toString());
    }
    return SubmitRequest.builder(sessionKey, p.kind().taskKind()).input(input)
        .deadline(p.timeout().plus(DEADLINE_MARGIN));
  }
}
