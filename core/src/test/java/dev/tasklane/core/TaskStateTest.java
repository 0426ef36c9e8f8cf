package dev.tasklane.core;

import static dev.tasklane.core.TaskState.CANCELED;
import static dev.tasklane.core.TaskState.COMPLETED;
import static dev.tasklane.core.TaskState.EXPIRED;
import static dev.tasklane.core.TaskState.FAILED;
import static dev.tasklane.core.TaskState.QUEUED;
import static dev.tasklane.core.TaskState.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskStateTest {
  /** The transition table of the design, written out independently of the code's table. */
  private static final Set<String> LEGAL = Set.of(
      "QUEUED>RUNNING", "QUEUED>CANCELED", "QUEUED>EXPIRED", "QUEUED>FAILED",
      "RUNNING>COMPLETED", "RUNNING>FAILED", "RUNNING>QUEUED", "RUNNING>CANCELED");

  @Test
  void everyPairIsLegalExactlyWhenTheTableSaysSo() {
    int checked = 0;
    for (TaskState from : TaskState.values()) {
      for (TaskState to : TaskState.values()) {
        boolean legal = LEGAL.contains(from + ">" + to);
        assertThat(from.canMoveTo(to)).as(from + " -> " + to).isEqualTo(legal);
        if (legal) {
          from.checkMoveTo(to);
        } else {
          assertThatThrownBy(() -> from.checkMoveTo(to)).isInstanceOf(IllegalStateException.class)
              .hasMessageContaining(from.wire()).hasMessageContaining(to.wire());
        }
        checked++;
      }
    }
    assertThat(checked).isEqualTo(36);
  }

  @Test
  void terminalStatesHaveNoWayOut() {
    assertThat(Set.of(TaskState.values())).filteredOn(TaskState::isTerminal)
        .containsExactlyInAnyOrder(COMPLETED, FAILED, CANCELED, EXPIRED);
    assertThat(QUEUED.isTerminal()).isFalse();
    assertThat(RUNNING.isTerminal()).isFalse();
  }

  @Test
  void wireNamesAreLowerCaseAndParseBack() {
    for (TaskState s : TaskState.values()) assertThat(TaskState.fromWire(s.wire())).isEqualTo(s);
    assertThatThrownBy(() -> TaskState.fromWire("done")).isInstanceOf(LaneException.class)
        .extracting(e -> ((LaneException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST);
  }
}
