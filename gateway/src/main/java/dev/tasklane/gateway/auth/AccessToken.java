package dev.tasklane.gateway.auth;

import dev.tasklane.chat.access.Grants;
import dev.tasklane.core.TaskQuery;
import java.util.List;

/**
 * A client's identity: a readable name, the sessions it may touch, and what it may do there
 * (docs/SECURITY.md).
 *
 * @param name shown in logs and used as the sender of chat messages; never the secret itself
 * @param prefixes session-key prefixes (e.g. {@code web:alice}, {@code telegram:}); {@code *} = every session
 * @param grants what it may do: which kinds it submits directly, {@code /run}, which agent profiles
 */
public record AccessToken(String name, List<String> prefixes, Grants grants) {
  /** The scope of every session. */
  public static final String ALL_SESSIONS = "*";

  public AccessToken {
    prefixes = List.copyOf(prefixes);
    if (prefixes.isEmpty()) {
      throw new IllegalArgumentException("token '" + name + "' needs at least one session prefix");
    }
  }

  /** Every session, every grant. */
  public static AccessToken admin(String name) {
    return new AccessToken(name, List.of(ALL_SESSIONS), Grants.ADMIN);
  }

  /** Some sessions, with the default grants of a {@code user}. */
  public static AccessToken scoped(String name, List<String> prefixes) {
    return new AccessToken(name, prefixes, Grants.USER);
  }

  /** True when the token covers every session. */
  public boolean allSessions() {
    return prefixes.contains(ALL_SESSIONS);
  }

  /**
   * True when this token may read, follow and cancel the tasks of {@code sessionKey}: it lies in one
   * of the token's scopes ({@link TaskQuery#inScope}: {@code web:alice} covers {@code web:alice} and
   * {@code web:alice:work}, not {@code web:alice2}).
   */
  public boolean allows(String sessionKey) {
    if (allSessions()) return true;
    for (String p : prefixes) if (TaskQuery.inScope(p, sessionKey)) return true;
    return false;
  }
}
