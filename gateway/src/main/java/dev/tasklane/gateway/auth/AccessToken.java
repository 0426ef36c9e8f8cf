package dev.tasklane.gateway.auth;

import java.util.List;

/**
 * A client's identity: a readable name and the sessions it may touch. An admin token sees every
 * session; any other token sees only sessions whose key starts with one of its prefixes.
 *
 * @param name shown in logs and used as the sender of chat messages; never the secret itself
 * @param prefixes session-key prefixes (e.g. {@code web:alice}, {@code telegram:}); empty for admin
 */
public record AccessToken(String name, boolean admin, List<String> prefixes) {
  public AccessToken {
    prefixes = List.copyOf(prefixes);
    if (!admin && prefixes.isEmpty()) {
      throw new IllegalArgumentException("token '" + name + "' needs at least one session prefix");
    }
  }

  public static AccessToken admin(String name) {
    return new AccessToken(name, true, List.of());
  }

  public static AccessToken scoped(String name, List<String> prefixes) {
    return new AccessToken(name, false, prefixes);
  }

  /** True when this token may read, follow and cancel the tasks of {@code sessionKey}. */
  public boolean allows(String sessionKey) {
    if (admin) return true;
    if (sessionKey == null) return false;
    for (String p : prefixes) if (sessionKey.startsWith(p)) return true;
    return false;
  }
}
