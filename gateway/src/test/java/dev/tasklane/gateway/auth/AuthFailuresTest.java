package dev.tasklane.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.gateway.api.RetryLater;
import dev.tasklane.core.MutableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Failed authentications per address at the limit's edge, on a clock the test moves. */
class AuthFailuresTest {
  private final MutableClock clock = new MutableClock();
  private final TokenRegistry tokens = new TokenRegistry().add("admin-secret", AccessToken.admin("admin"))
      .add("alice-secret", AccessToken.scoped("alice", List.of("web:alice")));
  private final Authenticator auth = new Authenticator(tokens, 3, clock); // 3 at once, then one every 20 s

  @Test
  void theLimitsFailuresGetUnauthorizedTheNextRateLimitedWithWhenToComeBack() {
    for (int i = 0; i < 3; i++) assertThat(failure("1.2.3.4", "wrong")).isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThatThrownBy(() -> auth.authenticate("1.2.3.4", "Bearer wrong", null))
        .isInstanceOfSatisfying(RetryLater.class, e -> assertThat(e.seconds()).isEqualTo(20));
    assertThat(failure("5.6.7.8", "wrong")).as("another address").isEqualTo(ErrorCode.UNAUTHORIZED);

    clock.advance(Duration.ofSeconds(19));
    assertThatThrownBy(() -> auth.authenticate("1.2.3.4", null, "wrong"))
        .isInstanceOfSatisfying(RetryLater.class, e -> assertThat(e.seconds()).isEqualTo(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(failure("1.2.3.4", "wrong")).as("one failure earned back").isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(failure("1.2.3.4", "wrong")).isEqualTo(ErrorCode.RATE_LIMITED);
  }

  @Test
  void whileLockedOnlyTokensAlreadyUsedFromTheAddressGetIn() {
    assertThat(auth.authenticate("1.2.3.4", "Bearer admin-secret", null).name()).isEqualTo("admin");
    for (int i = 0; i < 4; i++) failure("1.2.3.4", "wrong");

    assertThat(auth.authenticate("1.2.3.4", "Bearer admin-secret", null).name()).isEqualTo("admin");
    assertThat(failure("1.2.3.4", "alice-secret")).as("a right guess, locked").isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(auth.authenticate("5.6.7.8", "Bearer alice-secret", null).name()).as("elsewhere").isEqualTo("alice");

    clock.advance(Duration.ofSeconds(20));
    assertThat(auth.authenticate("1.2.3.4", "Bearer alice-secret", null).name()).isEqualTo("alice");
  }

  @Test
  void zeroMeansNoLimit() {
    Authenticator unlimited = new Authenticator(tokens, 0, clock);
    for (int i = 0; i < 1000; i++) {
      assertThatThrownBy(() -> unlimited.authenticate("1.2.3.4", "Bearer wrong", null))
          .isInstanceOfSatisfying(LaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
    }
  }

  private ErrorCode failure(String address, String secret) {
    try {
      auth.authenticate(address, "Bearer " + secret, null);
      throw new AssertionError(secret + " was accepted from " + address);
    } catch (LaneException e) {
      return e.code();
    }
  }
}
