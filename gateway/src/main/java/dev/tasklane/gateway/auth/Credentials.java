package dev.tasklane.gateway.auth;

import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import java.util.Locale;

/**
 * Finds the secret a request presents: {@code Authorization: Bearer <token>}, or a {@code token}
 * query parameter for browsers (WebSocket and EventSource cannot set headers).
 */
public final class Credentials {
  private Credentials() {}

  /** The caller's token, or an {@code unauthorized} error. */
  public static AccessToken authenticate(TokenRegistry tokens, String authorizationHeader, String tokenParam) {
    String secret = bearer(authorizationHeader);
    if (secret == null && tokenParam != null) secret = tokenParam.strip();
    if (secret == null || secret.isEmpty()) {
      throw new LaneException(ErrorCode.UNAUTHORIZED, "a bearer token is required (Authorization header or ?token=)");
    }
    return tokens.find(secret).orElseThrow(() -> new LaneException(ErrorCode.UNAUTHORIZED, "unknown token"));
  }

  /** The secret of an {@code Authorization: Bearer <token>} header; null for any other header or none. */
  static String bearer(String authorizationHeader) {
    if (authorizationHeader == null || !authorizationHeader.toLowerCase(Locale.ROOT).startsWith("bearer ")) return null;
    return authorizationHeader.substring(7).strip();
  }
}
