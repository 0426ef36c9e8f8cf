package dev.tasklane.core;

import java.util.List;
import java.util.Set;

/**
 * A filter for {@link dev.tasklane.engine.Lane#list}: newest first, paged by an opaque cursor.
 *
 * @param sessionKey exact session, or null for any
 * @param sessionPrefixes if not empty, only sessions in one of these scopes (see {@link #inScope})
 * @param states if not empty, only these states
 * @param kind exact kind, or null for any
 * @param limit page size, 1 to {@link #MAX_LIMIT}
 * @param cursor the {@code nextCursor} of the previous page, or null for the first
 */
public record TaskQuery(
    String sessionKey, List<String> sessionPrefixes, Set<TaskState> states, String kind, int limit, String cursor) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;

  public TaskQuery {
    sessionPrefixes = sessionPrefixes == null ? List.of() : List.copyOf(sessionPrefixes);
    states = states == null ? Set.of() : Set.copyOf(states);
    if (limit <= 0) limit = DEFAULT_LIMIT;
    if (limit > MAX_LIMIT) throw new LaneException(ErrorCode.BAD_REQUEST, "limit must be at most " + MAX_LIMIT);
  }

  /**
   * True when {@code sessionKey} lies in the scope {@code prefix}: it is the prefix itself, or the
   * prefix followed by a separator ({@code :} or {@code /}) and more; a prefix that ends with a
   * separator covers every session that starts with it. So {@code web:alice} covers
   * {@code web:alice} and {@code web:alice:work} but not {@code web:alice2}, and {@code telegram:}
   * covers all of Telegram.
   */
  public static boolean inScope(String prefix, String sessionKey) {
    if (sessionKey == null || !sessionKey.startsWith(prefix)) return false;
    if (sessionKey.length() == prefix.length() || endsWithSeparator(prefix)) return true;
    return isSeparator(sessionKey.charAt(prefix.length()));
  }

  /** True when the scope {@code prefix} already ends at a separator. */
  public static boolean endsWithSeparator(String prefix) {
    return !prefix.isEmpty() && isSeparator(prefix.charAt(prefix.length() - 1));
  }

  private static boolean isSeparator(char c) {
    return c == ':' || c == '/';
  }

  public static TaskQuery all() {
    return new TaskQuery(null, null, null, null, DEFAULT_LIMIT, null);
  }

  public static TaskQuery session(String sessionKey) {
    return new TaskQuery(sessionKey, null, null, null, DEFAULT_LIMIT, null);
  }

  public TaskQuery withStates(Set<TaskState> s) {
    return new TaskQuery(sessionKey, sessionPrefixes, s, kind, limit, cursor);
  }

  public TaskQuery withLimit(int l) {
    return new TaskQuery(sessionKey, sessionPrefixes, states, kind, l, cursor);
  }

  public TaskQuery withCursor(String c) {
    return new TaskQuery(sessionKey, sessionPrefixes, states, kind, limit, c);
  }

  public TaskQuery withScope(List<String> prefixes) {
    return new TaskQuery(sessionKey, prefixes, states, kind, limit, cursor);
  }
}
