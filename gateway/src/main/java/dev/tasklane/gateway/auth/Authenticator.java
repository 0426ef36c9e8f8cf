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
  private final WarmUpPass warmUp;

  /** {@code failuresPerMinute} of 0 means no limit. */
  public Authenticator(TokenRegistry tokens, int failuresPerMinute, Clock clock) {
    this.tokens = tokens;
    this.failures = new AuthFailures(failuresPerMinute, clock);
    this.warmUp = new WarmUpPass(clock);
  }

  /** The pass of the server's own warm-up request; see {@link WarmUpPass}. */
  public WarmUpPass warmUp() {
    return warmUp;
  }

  /** The caller's token; {@code unauthorized}, or {@code rate_limited} once its address failed too often. */
  public AccessToken authenticate(String clientAddress, String authorizationHeader, String tokenParam) {
    // Only the issued pass itself matches here: anything else goes on to the tokens, failures counted.
    var pass = warmUp.redeem(clientAddress, authorizationHeader);
    if (pass.isPresent()) return pass.get();
    return failures.authenticate(clientAddress,
        () -> Credentials.authenticate(tokens, authorizationHeader, tokenParam));
  }
}
