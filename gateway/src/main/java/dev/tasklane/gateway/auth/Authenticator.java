package dev.tasklane.gateway.auth;

import java.time.Clock;

/**
 * Who sends a request: the token it presents ({@link Credentials}), looked up in the registry, with
 * failures limited per client address ({@link AuthFailures}). One per server, shared by HTTP and
 * the WebSocket upgrade, so an address's failures count wherever they happen.
 */
public final class Authenticator {
  private final TokenRegistry tokens;
  private final AuthFailures failures;

  /** {@code failuresPerMinute} of 0 means no limit. */
  public Authenticator(TokenRegistry tokens, int failuresPerMinute, Clock clock) {
    this.tokens = tokens;
    this.failures = new AuthFailures(failuresPerMinute, clock);
  }

  /** The caller's token; {@code unauthorized}, or {@code rate_limited} once its address failed too often. */
  public AccessToken authenticate(String clientAddress, String authorizationHeader, String tokenParam) {
    return failures.authenticate(clientAddress,
        () -> Credentials.authenticate(tokens, authorizationHeader, tokenParam));
  }
}
