package dev.tasklane.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PostgresWriterTest {
  private static final long WAIT = PostgresWriter.LOCK_WAIT_IN_A_BATCH.toMillis();

  @Test
  void aBatchWaitsTheConnectionsTimeAndAUnitRunningAgainARandomlyLongerOneThenAsLongAsItTakes() {
    assertThat(PostgresWriter.lockWait(1, false)).as("the connection's setting").isNull();
    Set<Long> waits = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      for (int attempt = 1; attempt <= 4; attempt++) {
        long ms = Long.parseLong(PostgresWriter.lockWait(attempt, attempt == 1));
        assertThat(ms).isBetween(WAIT, 2 * WAIT);
        waits.add(ms);
      }
    }
    assertThat(waits).as("two units that gave way together wait differently").hasSizeGreaterThan(10);
    assertThat(PostgresWriter.lockWait(5, true)).as("the last attempt").isEqualTo("0");
    assertThat(PostgresWriter.lockWait(5, false)).isEqualTo("0");
  }
}
