package dev.tasklane.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Failures and lost leases are decided in one place, at the edges of the attempts a task has. */
class RetryPolicyTest {
  private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5));
  private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

  private Task running(int attempt, int maxAttempts) {
    return new Task(TaskId.of(1), "s", "work", null, TaskState.RUNNING, 5, attempt, maxAttempts, now, now, now, null,
        null, Duration.ofMinutes(1), new Lease("node-a", now, attempt), Progress.NONE, null, null, null, null,
        List.of(), Origin.NONE, null, true, 0);
  }

  @Test
  void aRetryableFailureRunsAgainAfterBackoffWhileAttemptsAreLeft() {
    TaskError flaky = new TaskError("flaky", "try again", true);
    assertThat(policy.afterFailure(running(2, 3), flaky, null, now)).isInstanceOfSatisfying(RetryPolicy.Retry.class,
        r -> assertThat(r.notBefore()).isBetween(now.plusMillis(1600), now.plusMillis(2400))); // 2 s ± 20 %
    assertThat(policy.afterFailure(running(1, 3), flaky, Duration.ofSeconds(42), now))
        .isEqualTo(new RetryPolicy.Retry(now.plusSeconds(42), flaky));
    assertThat(policy.afterFailure(running(3, 3), flaky, null, now)).isInstanceOfSatisfying(RetryPolicy.Fail.class,
        f -> assertThat(f.error().message()).isEqualTo("try again (attempt 3 of 3, no attempts left)"));
  }

  @Test
  void aPermanentFailureEndsAtOnce() {
    TaskError bad = new TaskError("bad_input", "no", false);
    assertThat(policy.afterFailure(running(1, 3), bad, null, now)).isEqualTo(new RetryPolicy.Fail(bad));
  }

  @Test
  void aLostLeaseRunsAgainAtOnceUntilTheAttemptsAreUsed() {
    assertThat(policy.afterLostLease(running(1, 2), now)).isInstanceOfSatisfying(RetryPolicy.Retry.class, r -> {
      assertThat(r.notBefore()).isEqualTo(now);
      assertThat(r.error().code()).isEqualTo(TaskError.LEASE_EXPIRED);
      assertThat(r.error().message()).startsWith("node-a stopped renewing its lease");
    });
    assertThat(policy.afterLostLease(running(2, 2), now)).isInstanceOfSatisfying(RetryPolicy.Fail.class,
        f -> assertThat(f.error().message()).contains("all 2 attempts are used"));
  }
}
