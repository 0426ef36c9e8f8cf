package dev.tasklane.gateway.auth;

import dev.tasklane.chat.access.Grants;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The credential of the server's own warm-up request at start (a WebSocket session over loopback, so
 * that a user's first one finds its code loaded). It is made at random when asked for and kept only
 * in memory, never in a file or a log; it is good for one use, from a loopback address, within
 * {@link #LIFETIME}; and it grants nothing: a session of its own, where the guest's grants submit
 * nothing. Any other use of it (a second time, too late, from elsewhere) is an unknown token, counted
 * by the guessed-token limiter like any other.
 */
public final class WarmUpPass {
  /** How long an issued pass may be used: the warm-up needs milliseconds. */
  public static final Duration LIFETIME = Duration.ofSeconds(10);
  /** The name its requests go by. */
  public static final String NAME = "warm-up";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Clock clock;
  private final AtomicReference<Issued> issued = new AtomicReference<>();

  /** What the warm-up presents: the secret, and the only session its token may name. */
  public record Pass(String secret, String sessionKey) {
    @Override
    public String toString() {
      return "Pass[" + sessionKey + "]"; // never the secret
    }
  }

  private record Issued(String digest, Instant until, AccessToken token) {}

  public WarmUpPass(Clock clock) {
    this.clock = clock;
  }

  /** A new pass; the one issued before, if still unused, is no longer good. */
  public Pass issue() {
    String secret = random(32);
    String session = NAME + ":" + random(9);
    AccessToken token = new AccessToken(NAME, List.of(session), Grants.GUEST);
    issued.set(new Issued(TokenRegistry.digest(secret), clock.instant().plus(LIFETIME), token));
    return new Pass(secret, session);
  }

  /** Makes the issued pass unusable (the warm-up is over, used or not). */
  public void revoke() {
    issued.set(null);
  }

  /**
   * The pass's token if {@code authorizationHeader} presents the issued pass from a loopback
   * {@code address} in time; the pass is used up then. Empty otherwise, leaving the request to the
   * tokens (where an unknown secret counts as a failure).
   */
  Optional<AccessToken> redeem(String address, String authorizationHeader) {
    Issued pass = issued.get();
    String secret = Credentials.bearer(authorizationHeader);
    if (pass == null || secret == null) return Optional.empty();
    boolean same = MessageDigest.isEqual(pass.digest().getBytes(StandardCharsets.US_ASCII),
        TokenRegistry.digest(secret).getBytes(StandardCharsets.US_ASCII));
    if (!same || !loopback(address) || clock.instant().isAfter(pass.until())) return Optional.empty();
    return issued.compareAndSet(pass, null) ? Optional.of(pass.token()) : Optional.empty();
  }

  private static boolean loopback(String address) {
    if (address == null || address.isEmpty()) return false;
    String literal = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1)
        : address;
    // Only literal addresses: a name is never looked up.
    if (!literal.contains(":") && !literal.chars().allMatch(c -> c == '.' || Character.isDigit(c))) return false;
    try {
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
