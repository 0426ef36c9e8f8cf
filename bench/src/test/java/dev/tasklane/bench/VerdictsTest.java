package dev.tasklane.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VerdictsTest {
  private final BenchOptions options = BenchOptions.fullSizes(Path.of("unused.json"), null);

  @Test
  void theSubmitTargetSaysHowLongTheMachineItselfStoppedInTheSameRun() {
    Report report = new Report();
    report.add(Figure.of("machine.stalls.syncing.per_s", "/s", 2.5, ""));
    report.add(Figure.of("machine.stalls.syncing.max", "ms", 13.74, ""));
    report.add(Figure.of("tasklane.submit.c256.p99", "ms", 14.2, ""));

    Verdicts.add(report, options);

    Target submit = submitTarget(report);
    assertThat(submit.met()).isFalse();
    assertThat(submit.note()).isEqualTo(
        "beside syncs the machine stopped a thread that only reads the clock 2.5 times a second, for up to 13.7 ms");
  }

  @Test
  void withoutTheMachineMeasurementTheTargetCarriesNoNote() {
    Report report = new Report();
    report.add(Figure.of("tasklane.submit.c256.p99", "ms", 10.0, ""));
    report.add(Figure.failed("machine.stalls.syncing.max", "ms", "disk full"));

    Verdicts.add(report, options);

    Target submit = submitTarget(report);
    assertThat(submit.met()).isTrue(); // the goal is inclusive
    assertThat(submit.note()).isNull();
  }

  private static Target submitTarget(Report report) {
    return report.targets().stream().filter(t -> t.name().startsWith("submit p99")).findFirst().orElseThrow();
  }
}
