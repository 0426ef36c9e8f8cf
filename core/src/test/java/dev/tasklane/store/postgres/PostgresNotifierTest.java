package dev.tasklane.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasklane.store.Signals;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresNotifierTest {
  @Test
  void signalsThatPiledUpGoOutOnceEachInOrderWithOnlyTheHighestEventId() {
    List<String[]> piled = List.of(
        new String[] {Signals.EVENTS, "41"},
        new String[] {Signals.WAKE, "node-a"},
        new String[] {Signals.CANCEL, "7"},
        new String[] {Signals.EVENTS, "45"},
        new String[] {Signals.WAKE, "node-a"},
        new String[] {Signals.CANCEL, "9"},
        new String[] {Signals.EVENTS, "44"});
    assertThat(PostgresNotifier.coalesced(piled)).extracting(s -> s[0] + "=" + s[1]).containsExactly(
        Signals.WAKE + "=node-a", Signals.CANCEL + "=7", Signals.CANCEL + "=9", Signals.EVENTS + "=45");
  }

  @Test
  void nothingPiledUpSendsNothing() {
    assertThat(PostgresNotifier.coalesced(List.of())).isEmpty();
  }
}
