package dev.tasklane.chat.access;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The roles of an installation and who has which: the {@code "access"} section of the
 * configuration file. Built-in roles are {@code admin} (everything), {@code user} (the configured
 * agent profiles only) and {@code guest} (the read-and-cancel commands only); a configuration may
 * define more, and redefine {@code user} and {@code guest}. A token or chat user without a role of
 * its own gets {@code defaultRole} ({@code user} unless configured). docs/SECURITY.md shows the
 * section.
 *
 * <pre>{@code
 * "access": {
 *   "roles": {"operator": {"run": true, "kinds": ["exec"], "execOptions": true}},
 *   "tokens": {"ci": "operator"},
 *   "users": {"telegram:12345": "admin"},
 *   "defaultRole": "user"
 * }
 * }</pre>
 */
public final class AccessPolicy {
  /** The folder that a granted caller-chosen folder must lie in, unless a role says otherwise. */
  public static final String WORK_FOLDER = "work";

  private final Map<String, Grants> roles;
  private final Map<String, String> tokens;
  private final Map<String, String> users;
  private final String defaultRole;

  AccessPolicy(Map<String, Grants> roles, Map<String, String> tokens, Map<String, String> users, String defaultRole) {
    this.roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles)); // in order, for messages
    this.tokens = Map.copyOf(tokens);
    this.users = Map.copyOf(users);
    this.defaultRole = defaultRole;
  }

  /** No {@code "access"} section: the built-in roles, everyone without a role is a {@code user}. */
  public static AccessPolicy defaults(Path dataDir) {
    return new AccessPolicy(builtIn(dataDir), Map.of(), Map.of(), "user");
  }

  /**
   * Reads the {@code "access"} section of a whole configuration tree (null = no file). Relative
   * {@code folders} are resolved in {@code dataDir}; {@code source} names the file in errors.
   *
   * @throws IllegalArgumentException naming the file and the setting, for a section that cannot be used
   */
  public static AccessPolicy fromTree(JsonNode root, Path dataDir, String source) {
    JsonNode access = root == null ? null : root.get("access");
    if (access == null || access.isNull()) return defaults(dataDir);
    return new AccessReader(source, dataDir, builtIn(dataDir)).read(access);
  }

  static Map<String, Grants> builtIn(Path dataDir) {
    Map<String, Grants> m = new LinkedHashMap<>();
    Path work = dataDir.resolve(WORK_FOLDER);
    m.put("admin", Grants.ADMIN);
    m.put("user", withFolder(Grants.USER, work));
    m.put("guest", withFolder(Grants.GUEST, work));
    return m;
  }

  private static Grants withFolder(Grants g, Path folder) {
    return new Grants(g.role(), g.admin(), g.kinds(), g.run(), g.profiles(), g.execOptions(), List.of(folder));
  }

  /** The role of that name, if there is one. */
  public Optional<Grants> role(String name) {
    return Optional.ofNullable(name == null ? null : roles.get(name));
  }

  /**
   * The grants of a token: the role the tokens file gives it ({@code fileRole}, may be null), else
   * the one {@code access.tokens} gives it, else the default role.
   *
   * @throws IllegalArgumentException for an unknown role, or when the two places disagree
   */
  public Grants token(String name, String fileRole) {
    String configured = tokens.get(name);
    if (fileRole != null && configured != null && !fileRole.equals(configured)) {
      throw new IllegalArgumentException("token '" + name + "' has the role '" + fileRole + "' in the tokens file but '"
          + configured + "' in access.tokens; give it one role");
    }
    String role = fileRole != null ? fileRole : configured != null ? configured : defaultRole;
    return role(role).orElseThrow(() -> new IllegalArgumentException("token '" + name + "' has the role '" + role
        + "', which is not defined; roles: " + String.join(", ", roles.keySet())));
  }

  /** The grants of a chat user, e.g. {@code ("telegram", "12345")}: {@code access.users}, else the default role. */
  public Grants chatUser(String channel, String sender) {
    String role = sender == null ? null : users.get(channel + ":" + sender);
    return roles.get(role != null ? role : defaultRole);
  }

  public Map<String, Grants> roles() {
    return roles;
  }
}
