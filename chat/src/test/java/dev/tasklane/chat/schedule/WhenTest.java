package dev.tasklane.chat.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class WhenTest {
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  /** A Wednesday, 14:20 in Berlin. */
  static final ZonedDateTime NOW = ZonedDateTime.of(2026, 3, 25, 14, 20, 0, 0, BERLIN);
  static final Duration YEAR = Duration.ofDays(366);

  static When.Parsed parse(String args) {
    return When.parse(args, NOW, YEAR);
  }

  static ZonedDateTime at(int month, int day, int hour, int minute) {
    return ZonedDateTime.of(2026, month, day, hour, minute, 0, 0, BERLIN);
  }

  @Test
  void relativeTimesAddUp() {
    assertThat(parse("in 2h check the deploy").at()).isEqualTo(NOW.plusHours(2));
    assertThat(parse("in 30m check").at()).isEqualTo(NOW.plusMinutes(30));
    assertThat(parse("in 1h30m check").at()).isEqualTo(NOW.plusMinutes(90));
    assertThat(parse("in 2 hours 15 minutes check").at()).isEqualTo(NOW.plusMinutes(135));
    assertThat(parse("in 90 minutes check").at()).isEqualTo(NOW.plusMinutes(90));
    assertThat(parse("in 1 day check").at()).isEqualTo(NOW.plusDays(1));
    assertThat(parse("in 2h check the deploy").message()).isEqualTo("check the deploy");
  }

  @Test
  void clockTimesAreInTheChatsZoneAndTomorrowOncePassed() {
    assertThat(parse("at 17:30 leave").at()).isEqualTo(at(3, 25, 17, 30));
    assertThat(parse("17:30 leave").at()).isEqualTo(at(3, 25, 17, 30));
    assertThat(parse("at 9:00 standup").at()).isEqualTo(at(3, 26, 9, 0));
    assertThat(parse("at 9 standup").at()).isEqualTo(at(3, 26, 9, 0));
    assertThat(parse("5pm leave").at()).isEqualTo(at(3, 25, 17, 0));
    assertThat(parse("at 5:30 pm leave").at()).isEqualTo(at(3, 25, 17, 30));
    assertThat(parse("at 5:30 pm leave").message()).isEqualTo("leave");
  }

  @Test
  void daysWithOrWithoutATime() {
    assertThat(parse("tomorrow 9:00 standup").at()).isEqualTo(at(3, 26, 9, 0));
    assertThat(parse("tomorrow standup").at()).isEqualTo(at(3, 26, 9, 0));
    assertThat(parse("today at 18:00 call").at()).isEqualTo(at(3, 25, 18, 0));
    assertThat(parse("friday 8am review").at()).isEqualTo(at(3, 27, 8, 0));
    assertThat(parse("wednesday 9:00 review").at()).isEqualTo(at(4, 1, 9, 0));
    assertThat(parse("wed 18:00 review").at()).isEqualTo(at(3, 25, 18, 0));
    assertThat(parse("2026-12-24 18:00 gifts").at()).isEqualTo(at(12, 24, 18, 0));
    assertThat(parse("2026-12-24T18:00 gifts").at()).isEqualTo(at(12, 24, 18, 0));
    assertThat(parse("2026-12-24 gifts").at()).isEqualTo(at(12, 24, 9, 0));
  }

  @Test
  void daylightSavingIsTheZones() {
    // Clocks in Berlin go forward on 29 March 2026: 9:00 that day is 07:00 UTC, not 08:00.
    assertThat(parse("2026-03-29 9:00 x").at().toInstant()).isEqualTo(java.time.Instant.parse("2026-03-29T07:00:00Z"));
  }

  @Test
  void whatCannotBeMetIsSaid() {
    assertThatThrownBy(() -> parse("in a while do it")).hasMessageContaining("how long");
    assertThatThrownBy(() -> parse("soon do it")).hasMessageContaining("no time understood");
    assertThatThrownBy(() -> parse("today 9:00 do it")).hasMessageContaining("passed");
    assertThatThrownBy(() -> parse("2025-01-01 do it")).hasMessageContaining("passed");
    assertThatThrownBy(() -> parse("2026-02-30 do it")).hasMessageContaining("no date");
    assertThatThrownBy(() -> parse("in 400 days do it")).hasMessageContaining("366 days");
    assertThatThrownBy(() -> parse("at 25:00 do it")).hasMessageContaining("no time of day");
    assertThatThrownBy(() -> parse("at noon do it")).hasMessageContaining("after \"at\"");
    assertThatThrownBy(() -> parse("in 2h")).hasMessageContaining("nothing to send");
  }
}
