package dev.tasklane.agents.exec;

import java.util.Map;

/**
 * The environments of commands: each agent profile's, and the one of commands without a profile
 * ({@code /run}, {@code exec} tasks submitted directly: {@code agents.exec.env} and
 * {@code agents.exec.passEnv}).
 *
 * @param server the server's own environment, where passed-through variables are read
 * @param commands the environment of commands without a profile
 * @param profiles each profile's environment, by profile name
 */
public record Environments(Map<String, String> server, ChildEnvironment commands,
    Map<String, ChildEnvironment> profiles) {
  public Environments {
    server = Map.copyOf(server);
    profiles = Map.copyOf(profiles);
  }

  /** Only the safe base of {@code server}, for every command. */
  public static Environments baseOnly(Map<String, String> server) {
    return new Environments(server, ChildEnvironment.BASE_ONLY, Map.of());
  }

  /**
   * The environment of a command of {@code profile} (null, or a profile no longer configured: the
   * commands' own), with the task's {@code requested} variables on top.
   */
  public Map<String, String> of(String profile, Map<String, String> requested) {
    ChildEnvironment e = profile == null ? commands : profiles.getOrDefault(profile, commands);
    return e.build(server, requested);
  }
}
