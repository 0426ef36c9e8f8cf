package dev.tasklane.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TaskTextsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void durationsReadLikeAPersonWouldSayThem() {
    assertThat(TaskTexts.duration(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(TaskTexts.duration(Duration.ofSeconds(185))).isEqualTo("3m 05s");
    assertThat(TaskTexts.duration(Duration.ofMinutes(65))).isEqualTo("1h 05m");
    assertThat(TaskTexts.coarse(Duration.ofSeconds(185))).isEqualTo("3m");
    assertThat(TaskTexts.coarse(Duration.ofSeconds(59))).isEqualTo("59s");
  }

  @Test
  void resultTextPrefersTheReadableField() throws Exception {
    assertThat(TaskTexts.resultText(JSON.readTree("{\"text\": \"hi\", \"output\": \"x\"}"))).isEqualTo("hi");
    assertThat(TaskTexts.resultText(JSON.readTree("{\"exitCode\": 0, \"output\": \"built\"}"))).isEqualTo("built");
    assertThat(TaskTexts.resultText(JSON.readTree("\"plain\""))).isEqualTo("plain");
    assertThat(TaskTexts.resultText(JSON.readTree("{\"n\": 1}"))).contains("\"n\" : 1");
    assertThat(TaskTexts.resultText(JSON.readTree("null"))).isNull();
  }

  @Test
  void queuePlace() {
    assertThat(TaskTexts.queuePlace(0)).isEqualTo("next in line");
    assertThat(TaskTexts.queuePlace(2)).isEqualTo("2 ahead of it");
  }
}
