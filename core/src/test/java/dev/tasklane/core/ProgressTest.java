package dev.tasklane.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void stepsWithoutATotalKeepAnUnknownFraction() {
    Progress p = Progress.NONE.withStep("reading").withStep("writing");
    assertThat(p.steps()).isEqualTo(2);
    assertThat(p.fraction()).isNull();
    assertThat(p.message()).isEqualTo("writing");
  }

  @Test
  void stepsWithATotalDeriveTheFraction() {
    Progress p = new Progress(null, null, 0, 4L).withStep("one");
    assertThat(p.fraction()).isEqualTo(0.25);
  }

  @Test
  void fractionIsClampedAndNaNMeansUnknown() {
    assertThat(new Progress(1.5, "m", 0, null).fraction()).isEqualTo(1.0);
    assertThat(new Progress(-1.0, "m", 0, null).fraction()).isEqualTo(0.0);
    assertThat(new Progress(Double.NaN, "m", 0, null).fraction()).isNull();
  }
}
