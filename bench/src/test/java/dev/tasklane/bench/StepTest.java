package dev.tasklane.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StepTest {
  @Test
  void aStepThatHangsIsReportedAsTimedOutAndTheRunGoesOn() {
    Report report = new Report();
    Step.of("hangs", Duration.ofMillis(200), sink -> {
          sink.put("first", 1.5, "done before hanging");
          Thread.sleep(60_000);
        })
        .figure("first", "ms")
        .figure("second", "ms")
        .runInto(report);

    assertThat(report.value("first")).contains(1.5);
    assertThat(report.value("second")).isEmpty();
    Report.Document doc = report.document("cmd", "quick", null, 0, null, Map.of());
    assertThat(doc.measurements()).extracting(Figure::name, Figure::status)
        .containsExactly(
            tuple("first", Figure.Status.OK),
            tuple("second", Figure.Status.TIMED_OUT));
  }

  @Test
  void aFailingStepKeepsItsFiguresWithTheReason() {
    Report report = new Report();
    Step.of("fails", Duration.ofSeconds(5), sink -> {
          throw new UnsupportedOperationException("not yet");
        })
        .figure("x", "tasks/s")
        .runInto(report);

    Figure x = report.document("cmd", "quick", null, 0, null, Map.of()).measurements().get(0);
    assertThat(x.status()).isEqualTo(Figure.Status.FAILED);
    assertThat(x.note()).contains("not yet");
    assertThat(report.value("x")).isEqualTo(Optional.empty());
  }
}
