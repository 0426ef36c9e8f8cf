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
    String secret = null;
    if (authorizationHeader != null && authorizationHeader.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
      secret = authorizationHeader.substring(7).strip();
    } else if (tokenParam != null) {
      secret = tokenParam.strip();
    }
    if (secret == null || secret.isEmpty()) {
      throw new LaneException(ErrorCode.UNAUTHORIZED, "a bearer token is required (Authorization header or ?token=)");
    }
    return tokens.find(secret).orElseThrow(() -> new LaneException(ErrorCode.UNAUTHORIZED, "unknown token"));
  }
}
