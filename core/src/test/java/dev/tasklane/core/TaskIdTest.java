package dev.tasklane.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TaskIdTest {
  @Test
  void shortSortableAndForgivingWhenTyped() {
    assertThat(TaskId.of(1).toString()).isEqualTo("0001");
    assertThat(TaskId.of(32 * 32 * 32 * 32).toString()).hasSize(5);
    TaskId id = TaskId.of(123_456);
    assertThat(TaskId.parse(id.toString())).isEqualTo(id);
    assertThat(TaskId.parse(id.toString().toLowerCase())).isEqualTo(id);
    assertThat(TaskId.parse("00O1")).isEqualTo(TaskId.of(1)); // O read as 0
    assertThat(TaskId.parse("000L")).isEqualTo(TaskId.of(1)); // L read as 1
    assertThat(TaskId.of(99).toString()).isLessThan(TaskId.of(100).toString());
  }

  @Test
  void rejectsWhatIsNotAnId() {
    for (String bad : new String[] {"", " ", "00U1", "hello!", "0000", "ZZZZZZZZZZZZZZ"}) {
      assertThatThrownBy(() -> TaskId.parse(bad)).as(bad).isInstanceOf(LaneException.class);
    }
  }
}
