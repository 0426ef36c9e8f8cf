package dev.tasklane.chat.schedule;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAdjusters;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a {@code /later} message is due, read from the front of its arguments in the chat's time
 * zone: {@code in 2h}, {@code in 1h 30m}, {@code in 90 minutes}, {@code at 17:30} (today, or tomorrow
 * once passed), {@code tomorrow 9:00}, {@code friday 8am}, {@code 2026-12-24 18:00}. A day without
 * a time means {@link #DEFAULT_TIME}.
 */
final class When {
  static final LocalTime DEFAULT_TIME = LocalTime.of(9, 0);
  private static final Pattern AMOUNT = Pattern.compile("(\\d{1,6})([a-z]*)");
  private static final Pattern DATE = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})(?:t(\\d{1,2}:\\d{2}))?");
  private static final Map<String, Duration> UNITS = Map.ofEntries(
      Map.entry("s", Duration.ofSeconds(1)), Map.entry("sec", Duration.ofSeconds(1)),
      Map.entry("second", Duration.ofSeconds(1)), Map.entry("m", Duration.ofMinutes(1)),
      Map.entry("min", Duration.ofMinutes(1)), Map.entry("minute", Duration.ofMinutes(1)),
      Map.entry("h", Duration.ofHours(1)), Map.entry("hr", Duration.ofHours(1)),
      Map.entry("hour", Duration.ofHours(1)), Map.entry("d", Duration.ofDays(1)),
      Map.entry("day", Duration.ofDays(1)), Map.entry("w", Duration.ofDays(7)), Map.entry("week", Duration.ofDays(7)));

  private When() {}

  /** The time and the message after it. */
  record Parsed(ZonedDateTime at, String message) {}

  /**
   * @throws IllegalArgumentException saying what is wrong: no time understood, a time that has
   *     passed, more than {@code maxAhead} away, or no message after it
   */
  static Parsed parse(String args, ZonedDateTime now, Duration maxAhead) {
    Words w = new Words(args);
    ZonedDateTime at = w.takeIf("in") ? now.plus(duration(w)) : dayAndTime(w, now);
    if (!at.isAfter(now)) throw new IllegalArgumentException("that time has passed");
    if (at.isAfter(now.plus(maxAhead))) {
      throw new IllegalArgumentException("that is more than " + maxAhead.toDays() + " days ahead");
    }
    if (w.rest().isEmpty()) {
      throw new IllegalArgumentException("nothing to send then: write the message after the time");
    }
    return new Parsed(at, w.rest());
  }

  private static Duration duration(Words w) {
    Duration total = Duration.ZERO;
    int parts = 0;
    while (true) {
      int mark = w.mark();
      Optional<Duration> part = amount(w);
      if (part.isEmpty()) {
        w.reset(mark);
        break;
      }
      total = total.plus(part.get());
      parts++;
    }
    if (parts == 0) throw new IllegalArgumentException("after \"in\" comes how long, like 2h, 30m or 1 day");
    return total;
  }

  /** {@code 2h}, {@code 1h30m}, {@code 2 hours}. */
  private static Optional<Duration> amount(Words w) {
    String word = w.take();
    Matcher m = AMOUNT.matcher(word);
    Duration sum = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      String unit = m.group(2).isEmpty() ? w.take() : m.group(2);
      Duration u = unit(unit);
      if (u == null) return Optional.empty();
      sum = sum.plus(u.multipliedBy(Long.parseLong(m.group(1))));
      end = m.end();
    }
    return end == word.length() && end > 0 ? Optional.of(sum) : Optional.empty();
  }

  private static Duration unit(String word) {
    String w = word.replaceAll("[.,]$", "");
    Duration d = UNITS.get(w);
    if (d == null && w.endsWith("s")) d = UNITS.get(w.substring(0, w.length() - 1));
    if (d == null && w.equals("mins")) d = UNITS.get("min");
    return d;
  }

  private static ZonedDateTime dayAndTime(Words w, ZonedDateTime now) {
    LocalDate today = now.toLocalDate();
    Optional<LocalTime> timeInDate = Optional.empty();
    LocalDate day = null;
    Optional<DayOfWeek> weekday = w.dayOfWeek();
    Matcher date = DATE.matcher(w.peek());
    if (weekday.isPresent()) {
      day = today.with(TemporalAdjusters.nextOrSame(weekday.get()));
    } else if (w.peek().equals("today") || w.peek().equals("tomorrow")) {
      day = w.take().equals("today") ? today : today.plusDays(1);
    } else if (date.matches()) {
      w.take();
      day = date(date.group(1));
      if (date.group(2) != null) timeInDate = Optional.of(LocalTime.parse(pad(date.group(2))));
    }
    boolean atWord = w.takeIf("at");
    Optional<LocalTime> time = timeInDate.isPresent() ? timeInDate : w.time(atWord);
    if (atWord && time.isEmpty()) throw new IllegalArgumentException("after \"at\" comes a time, like 17:30 or 9am");
    if (day == null && time.isEmpty()) {
      throw new IllegalArgumentException("no time understood: try \"in 2h\", \"at 17:30\", \"tomorrow 9:00\" "
          + "or \"2026-12-24 18:00\"");
    }
    ZonedDateTime at = (day == null ? today : day).atTime(time.orElse(DEFAULT_TIME)).atZone(now.getZone());
    if (!at.isAfter(now) && weekday.isPresent()) at = at.plusWeeks(1);
    if (!at.isAfter(now) && day == null) at = at.plusDays(1);
    return at;
  }

  private static LocalDate date(String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(text + " is no date");
    }
  }

  private static String pad(String hhmm) {
    return hhmm.length() == 4 ? "0" + hhmm : hhmm;
  }
}
