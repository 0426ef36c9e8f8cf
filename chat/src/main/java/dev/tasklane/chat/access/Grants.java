package dev.tasklane.chat.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What one caller may do: an API token, or a chat user. docs/SECURITY.md describes the model.
 *
 * @param role the role these grants come from, named in refusals
 * @param admin everything, including folders anywhere on the host
 * @param kinds task kinds it may submit directly ({@code POST /v1/tasks}, {@code task.create});
 *     {@code *} = every kind
 * @param run whether it may use the chat's {@code /run}
 * @param profiles agent profiles its chat messages may go to and {@code /agent <name>} may pick;
 *     {@code *} = every configured profile
 * @param execOptions whether the tasks it submits directly may choose {@code cwd}, {@code workdir}
 *     and {@code env}
 * @param folders where a folder it chooses must lie (absolute, normalised); ignored for an admin
 */
public record Grants(String role, boolean admin, Set<String> kinds, boolean run, Set<String> profiles,
    boolean execOptions, List<Path> folders) {
  /** In {@link #kinds} or {@link #profiles}: all of them. */
  public static final String ALL = "*";
  /**
   * The input field that carries the profiles of a caller whose role grants only some, into the
   * tasks started on its behalf: an agent's background tasks may use only these.
   */
  public static final String GRANTED_PROFILES = "grantedProfiles";

  public Grants {
    kinds = Set.copyOf(kinds);
    profiles = Set.copyOf(profiles);
    folders = folders.stream().map(p -> p.toAbsolutePath().normalize()).toList();
  }

  /** The admin token's grants: everything. */
  public static final Grants ADMIN = new Grants("admin", true, Set.of(ALL), true, Set.of(ALL), true, List.of());

  /** The default of scoped tokens and chat users: the configured agent profiles, nothing else. */
  public static final Grants USER = new Grants("user", false, Set.of(), false, Set.of(ALL), false, List.of());

  /** The read-and-cancel commands only: no agent, no {@code /run}, no direct submits. */
  public static final Grants GUEST = new Grants("guest", false, Set.of(), false, Set.of(), false, List.of());

  public boolean maySubmit(String kind) {
    return admin || kinds.contains(ALL) || kinds.contains(kind);
  }

  public boolean mayRun() {
    return admin || run;
  }

  public boolean mayUseProfile(String name) {
    return admin || profiles.contains(ALL) || profiles.contains(name);
  }

  /** True when some agent profile is granted, so free text may reach an agent. */
  public boolean mayUseAgents() {
    return admin || !profiles.isEmpty();
  }

  public boolean mayChooseExecOptions() {
    return admin || execOptions;
  }

  /** True when {@code folder} (absolute, symbolic links resolved) lies in one of {@link #folders}. */
  public boolean mayUseFolder(Path folder) {
    return admin || folders.stream().map(Grants::real).anyMatch(folder::startsWith);
  }

  /** The folder with its symbolic links resolved, as the folder checked against it is. */
  private static Path real(Path folder) {
    try {
      return folder.toRealPath();
    } catch (java.io.IOException e) {
      return folder; // not there (yet): nothing inside it exists either
    }
  }

  /**
   * {@code input} for a task started on behalf of this caller: a copy carrying
   * {@link #GRANTED_PROFILES} when the role grants only some profiles (and without the field
   * otherwise, whatever the input said). Anything but an object is returned as it is.
   */
  public JsonNode stampProfiles(JsonNode input) {
    if (input == null || !input.isObject()) return input;
    ObjectNode copy = ((ObjectNode) input).deepCopy();
    copy.remove(GRANTED_PROFILES);
    if (!admin && !profiles.contains(ALL)) profiles.stream().sorted().forEach(copy.putArray(GRANTED_PROFILES)::add);
    return copy;
  }

  /** A role with these grants under another name. */
  public Grants named(String newRole) {
    return new Grants(newRole, admin, kinds, run, profiles, execOptions, folders);
  }

  /** {@code forbidden} unless {@code /run} is granted. */
  public void requireRun() {
    if (!mayRun()) throw refusal("/run", "\"run\": true");
  }

  /** {@code forbidden} unless the agent profile is granted. */
  public void requireProfile(String name) {
    if (!mayUseProfile(name)) throw refusal("The agent '" + name + "'", "\"profiles\": [\"" + name + "\"]");
  }

  /** {@code forbidden} unless tasks of {@code kind} may be submitted directly. */
  public void requireKind(String kind) {
    if (!maySubmit(kind)) {
      throw refusal("Submitting tasks of kind '" + kind + "' directly", "\"kinds\": [\"" + kind + "\"]");
    }
  }

  /**
   * The refusal of something these grants lack: what is missing, and the role setting an admin adds
   * to grant it (docs/SECURITY.md).
   */
  public LaneException refusal(String what, String setting) {
    return new LaneException(ErrorCode.FORBIDDEN, what + " is not granted to the role '" + role + "'. An admin "
        + "grants it with a role that has " + setting + " (\"access\" in tasklane.json; see docs/SECURITY.md).");
  }
}
