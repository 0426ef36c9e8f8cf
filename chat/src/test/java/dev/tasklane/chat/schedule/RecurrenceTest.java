package dev.tasklane.chat.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class RecurrenceTest {
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  static Recurrence read(String args) {
    return Recurrence.read(new Words(args));
  }

  static String rest(String args) {
    Words w = new Words(args);
    Recurrence.read(w);
    return w.rest();
  }

  @Test
  void wordsBecomeCron() {
    assertThat(read("day 9:00 report").cron()).isEqualTo("0 9 * * *");
    assertThat(read("daily at 18:30 report").cron()).isEqualTo("30 18 * * *");
    assertThat(read("day report").cron()).isEqualTo("0 9 * * *");
    assertThat(read("weekday 8:30 standup").cron()).isEqualTo("30 8 * * 1-5");
    assertThat(read("monday 9am plan").cron()).isEqualTo("0 9 * * 1");
    assertThat(read("sunday 20:00 plan").cron()).isEqualTo("0 20 * * 0");
    assertThat(read("hour ping").cron()).isEqualTo("0 * * * *");
    assertThat(read("30m ping").cron()).isEqualTo("*/30 * * * *");
    assertThat(read("15 minutes ping").cron()).isEqualTo("*/15 * * * *");
    assertThat(read("6h ping").cron()).isEqualTo("0 */6 * * *");
    assertThat(read("day 9:00 report").words()).isEqualTo("day 9:00");
    assertThat(rest("weekday 8:30 standup notes")).isEqualTo("standup notes");
    assertThat(rest("15 minutes ping")).isEqualTo("ping");
  }

  @Test
  void cronIsReadAsWrittenOrQuoted() {
    assertThat(read("0 9 * * 1-5 standup").cron()).isEqualTo("0 9 * * 1-5");
    assertThat(rest("0 9 * * 1-5 standup")).isEqualTo("standup");
    assertThat(read("\"*/10 8-18 * * mon-fri\" ping").cron()).isEqualTo("*/10 8-18 * * 1-5");
    assertThat(rest("`0 0 1 * *` invoices")).isEqualTo("invoices");
  }

  @Test
  void occurrencesFollowTheZoneAcrossDaylightSaving() {
    Recurrence nine = read("day 9:00 x");
    Instant before = Instant.parse("2026-03-28T09:00:00Z"); // 10:00 in Berlin, still winter time
    assertThat(nine.next(before, BERLIN)).contains(Instant.parse("2026-03-29T07:00:00Z"));
    assertThat(nine.next(Instant.parse("2026-03-29T07:00:00Z"), BERLIN))
        .contains(Instant.parse("2026-03-30T07:00:00Z"));
  }

  @Test
  void theShortestGapIsFound() {
    Instant now = Instant.parse("2026-03-25T12:00:00Z");
    assertThat(read("30m x").shortestGap(now, BERLIN)).isEqualTo(Duration.ofMinutes(30));
    assertThat(read("0,1 9 * * * x").shortestGap(now, BERLIN)).isEqualTo(Duration.ofMinutes(1));
    assertThat(read("weekday 9:00 x").shortestGap(now, BERLIN)).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void badRulesAreExplained() {
    assertThatThrownBy(() -> read("sometimes x")).hasMessageContaining("no rule understood");
    assertThatThrownBy(() -> read("7m x")).hasMessageContaining("evenly");
    assertThatThrownBy(() -> read("61 9 * * * x")).hasMessageContaining("not a valid cron expression");
    assertThatThrownBy(() -> read("\"0 9 * * x")).hasMessageContaining("closing");
  }
}
