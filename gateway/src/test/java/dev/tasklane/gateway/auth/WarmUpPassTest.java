package dev.tasklane.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasklane.chat.access.Grants;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The warm-up's pass: one use, from loopback, in time, granting nothing; any other use is a wrong token. */
class WarmUpPassTest {
  private final MutableClock clock = new MutableClock();
  private final TokenRegistry tokens = new TokenRegistry().add("admin-secret", AccessToken.admin("admin"));
  private final Authenticator auth = new Authenticator(tokens, 2, clock); // 2 failures at once, then locked

  @Test
  void itIsGoodOnceFromLoopbackAndGrantsOnlyASessionOfItsOwnWhereNothingMaySubmit() {
    WarmUpPass.Pass pass = auth.warmUp().issue();
    AccessToken who = auth.authenticate("127.0.0.1", "Bearer " + pass.secret(), null);
    assertThat(who.name()).isEqualTo(WarmUpPass.NAME);
    assertThat(who.prefixes()).containsExactly(pass.sessionKey());
    assertThat(who.allows(pass.sessionKey())).isTrue();
    assertThat(who.allows("web:alice")).isFalse();
    assertThat(who.grants()).isEqualTo(Grants.GUEST);
    assertThat(who.grants().kinds()).isEmpty();

    assertThat(failure("127.0.0.1", "Bearer " + pass.secret())).as("a second use").isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(failure("127.0.0.1", "Bearer another-guess")).isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(failure("127.0.0.1", "Bearer " + pass.secret())).as("counted as guesses")
        .isEqualTo(ErrorCode.RATE_LIMITED);
  }

  @Test
  void fromAnotherAddressItIsAWrongTokenAndUsesNothingUp() {
    WarmUpPass.Pass pass = auth.warmUp().issue();
    assertThat(failure("203.0.113.7", "Bearer " + pass.secret())).isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(failure("203.0.113.7", "Bearer " + pass.secret())).isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(failure("203.0.113.7", "Bearer " + pass.secret())).as("counted as guesses")
        .isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(failure("localhost", "Bearer " + pass.secret())).as("a name, never looked up")
        .isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(auth.authenticate("::1", "Bearer " + pass.secret(), null).name()).isEqualTo(WarmUpPass.NAME);
  }

  @Test
  void itIsNoGoodLateRevokedReplacedOrInTheQuery() {
    WarmUpPass.Pass late = auth.warmUp().issue();
    clock.advance(WarmUpPass.LIFETIME.plus(Duration.ofMillis(1)));
    assertThat(failure("127.0.0.1", "Bearer " + late.secret())).isEqualTo(ErrorCode.UNAUTHORIZED);

    Authenticator unlimited = new Authenticator(tokens, 0, clock);
    WarmUpPass.Pass revoked = unlimited.warmUp().issue();
    unlimited.warmUp().revoke();
    assertThat(code(unlimited, "Bearer " + revoked.secret(), null)).isEqualTo(ErrorCode.UNAUTHORIZED);

    WarmUpPass.Pass replaced = unlimited.warmUp().issue();
    WarmUpPass.Pass current = unlimited.warmUp().issue();
    assertThat(code(unlimited, "Bearer " + replaced.secret(), null)).isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(code(unlimited, null, current.secret())).as("only in the header, never in a URL")
        .isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(unlimited.authenticate("127.0.0.1", "Bearer " + current.secret(), null).name())
        .isEqualTo(WarmUpPass.NAME);
  }

  @Test
  void itNeverShowsItsSecret() {
    WarmUpPass.Pass pass = auth.warmUp().issue();
    assertThat(pass.toString()).doesNotContain(pass.secret());
    assertThat(pass.secret()).hasSizeGreaterThanOrEqualTo(43); // 256 random bits
  }

  private ErrorCode failure(String address, String header) {
    try {
      auth.authenticate(address, header, null);
      throw new AssertionError("accepted from " + address);
    } catch (LaneException e) {
      return e.code();
    }
  }

  private static ErrorCode code(Authenticator a, String header, String param) {
    try {
      a.authenticate("127.0.0.1", header, param);
      throw new AssertionError("accepted");
    } catch (LaneException e) {
      return e.code();
    }
  }
}
