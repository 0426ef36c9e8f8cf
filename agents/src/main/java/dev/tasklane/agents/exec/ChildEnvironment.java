package dev.tasklane.agents.exec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The environment a command gets: nothing of the server's but a small safe base ({@link #BASE}),
 * the variables named in {@code pass} (taken from the server's environment when the command starts)
 * and the {@code fixed} values. Tasklane's own token, the tokens file, and API keys meant for other
 * profiles reach a command only if named here. docs/SECURITY.md lists what commands get.
 *
 * @param pass names of server variables passed through (e.g. {@code ANTHROPIC_API_KEY} for a CLI agent)
 * @param fixed variables set to these values
 */
public record ChildEnvironment(Set<String> pass, Map<String, String> fixed) {
  /** What every command gets from the server's environment: where programs are, who and where it runs. */
  public static final List<String> BASE = List.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE",
      "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TERM", "TZ", "TMPDIR");

  /** The base and nothing more. */
  public static final ChildEnvironment BASE_ONLY = new ChildEnvironment(Set.of(), Map.of());

  public ChildEnvironment {
    pass = Set.copyOf(pass);
    fixed = Map.copyOf(fixed);
  }

  /**
   * The whole environment of a command: the base and {@link #pass} from {@code server}, then
   * {@link #fixed}, then {@code requested} (a task's own {@code env}, from callers granted it).
   */
  public Map<String, String> build(Map<String, String> server, Map<String, String> requested) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : BASE) copy(server, name, env);
    for (String name : pass) copy(server, name, env);
    env.putAll(fixed);
    env.putAll(requested);
    return env;
  }

  private static void copy(Map<String, String> from, String name, Map<String, String> to) {
    String value = from.get(name);
    if (value != null) to.put(name, value);
  }
}
