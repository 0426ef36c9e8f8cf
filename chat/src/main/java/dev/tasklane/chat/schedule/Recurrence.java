package dev.tasklane.chat.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When an {@code /every} message recurs: a five-field cron expression (minute hour day-of-month
 * month day-of-week), written as such or in words: {@code day 9:00}, {@code weekday 8:30},
 * {@code monday 9am}, {@code hour}, {@code 30m}, {@code 2h}. Occurrences are computed by cron-utils
 * in the schedule's time zone, so "9:00" stays 9:00 across daylight-saving changes.
 *
 * @param cron the expression, as stored
 * @param words the rule as the user wrote it, for {@code /schedules}
 */
record Recurrence(String cron, String words) {
  private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  /** Minute and hour take numbers only; the day fields may also name days and months. */
  private static final Pattern NUMBERS = Pattern.compile("[0-9*/,\\-]+");
  private static final Pattern NAMES = Pattern.compile("[0-9*?/,\\-#a-z]+");
  private static final Pattern EVERY_N = Pattern.compile("(\\d{1,3})\\s*(m|min|mins|minutes?|h|hours?)");
  /** Occurrences looked at to find the shortest gap between two. */
  private static final int GAPS_CHECKED = 60;

  /** The next occurrence strictly after {@code after}, in {@code zone}; empty if there is none. */
  Optional<Instant> next(Instant after, ZoneId zone) {
    return ExecutionTime.forCron(parse(cron)).nextExecution(after.atZone(zone)).map(ZonedDateTime::toInstant);
  }

  /** The shortest time between two of the next occurrences after {@code from}. */
  Duration shortestGap(Instant from, ZoneId zone) {
    ExecutionTime times = ExecutionTime.forCron(parse(cron));
    Duration shortest = null;
    ZonedDateTime at = times.nextExecution(from.atZone(zone)).orElse(null);
    for (int i = 0; i < GAPS_CHECKED && at != null; i++) {
      ZonedDateTime then = times.nextExecution(at).orElse(null);
      if (then == null) break;
      Duration gap = Duration.between(at, then);
      if (shortest == null || gap.compareTo(shortest) < 0) shortest = gap;
      at = then;
    }
    return shortest == null ? Duration.ofDays(366) : shortest;
  }

  /**
   * Reads the rule at the front of an {@code /every} command's arguments, leaving the message.
   *
   * @throws IllegalArgumentException when no rule is understood, or a cron expression is invalid
   */
  static Recurrence read(Words w) {
    String first = w.peek();
    if (first.startsWith("\"") || first.startsWith("`")) return quotedCron(w, first.substring(0, 1));
    Matcher n = EVERY_N.matcher(first);
    String joined = first + " " + w.peek(1);
    if (!n.matches()) n = EVERY_N.matcher(joined);
    if (n.matches()) {
      for (int i = 0; i < (n.group().equals(first) ? 1 : 2); i++) w.take();
      return everyN(Integer.parseInt(n.group(1)), n.group(2).startsWith("h"), w.read());
    }
    if (looksLikeCron(w)) {
      StringBuilder cron = new StringBuilder();
      for (int i = 0; i < 5; i++) cron.append(i == 0 ? "" : " ").append(w.take());
      return new Recurrence(valid(cron.toString()), w.read());
    }
    if (w.takeIf("hour") || w.takeIf("hourly")) return new Recurrence("0 * * * *", w.read());
    String days;
    Optional<DayOfWeek> weekday = w.dayOfWeek();
    if (weekday.isPresent()) {
      days = String.valueOf(weekday.get().getValue() % 7);
    } else if (w.takeIf("day") || w.takeIf("daily")) {
      days = "*";
    } else if (w.takeIf("weekday") || w.takeIf("weekdays")) {
      days = "1-5";
    } else {
      throw new IllegalArgumentException("no rule understood: try \"day 9:00\", \"weekday 8:30\", \"monday 9am\", "
          + "\"hour\", \"30m\" or a cron expression such as \"0 9 * * 1-5\"");
    }
    boolean atWord = w.takeIf("at");
    LocalTime t = w.time(atWord).orElse(When.DEFAULT_TIME);
    return new Recurrence(t.getMinute() + " " + t.getHour() + " * * " + days, w.read());
  }

  private static Recurrence everyN(int n, boolean hours, String words) {
    int whole = hours ? 24 : 60;
    if (n < 1 || whole % n != 0) {
      throw new IllegalArgumentException("every " + n + (hours ? "h" : "m") + " does not divide "
          + (hours ? "a day" : "an hour") + " evenly; use a cron expression");
    }
    if (n == whole) return new Recurrence(hours ? "0 0 * * *" : "0 * * * *", words);
    return new Recurrence(hours ? "0 */" + n + " * * *" : "*/" + n + " * * * *", words);
  }

  private static boolean looksLikeCron(Words w) {
    for (int i = 0; i < 5; i++) {
      if (!(i < 2 ? NUMBERS : NAMES).matcher(w.peek(i)).matches()) return false;
    }
    return true;
  }

  private static Recurrence quotedCron(Words w, String quote) {
    StringBuilder cron = new StringBuilder();
    while (!w.peek().isEmpty()) {
      String word = w.take();
      cron.append(cron.isEmpty() ? "" : " ").append(word);
      if (cron.length() > 1 && word.endsWith(quote)) {
        String inner = cron.substring(1, cron.length() - 1).strip();
        return new Recurrence(valid(inner), w.read());
      }
    }
    throw new IllegalArgumentException("the cron expression has no closing " + quote);
  }

  private static String valid(String expression) {
    try {
      Cron c = PARSER.parse(expression);
      c.validate();
      return c.asString();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"" + expression + "\" is not a valid cron expression (minute hour "
          + "day-of-month month day-of-week): " + e.getMessage());
    }
  }

  private static Cron parse(String cron) {
    return PARSER.parse(cron);
  }
}
