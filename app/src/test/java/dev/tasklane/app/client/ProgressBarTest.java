package dev.tasklane.app.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  @Test
  void aKnownFractionIsAPercentage() {
    assertThat(ProgressBar.render(0.4, Duration.ofSeconds(65), "step 2 of 5: compiling", 0))
        .isEqualTo("[############------------------]  40%  1m 05s  step 2 of 5: compiling");
  }

  @Test
  void withoutAFractionTheBarShowsElapsedTimeAndTheStepNeverAPercentage() {
    String bar = ProgressBar.render(null, Duration.ofSeconds(12), "running tool Bash: npm test", 3);
    assertThat(bar).isEqualTo("[---#--------------------------]  12s  running tool Bash: npm test");
    assertThat(bar).doesNotContain("%");
    assertThat(ProgressBar.line(null, Duration.ofMinutes(61), "still going")).isEqualTo("  1h 01m  still going");
  }
}
