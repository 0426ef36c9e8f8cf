package dev.tasklane.chat.schedule;

import dev.tasklane.chat.schedule.Schedules.Author;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The chat commands of schedules: {@code /later <when> <message>}, {@code /every <rule> <message>},
 * {@code /schedules [cancel <n>|all]} and {@code /timezone [zone]}. Each answers with a text, and
 * sees only the schedules of the chat it was sent in.
 */
public final class ScheduleCommands {
  /** The commands this class answers. */
  public static final Set<String> NAMES = Set.of("/later", "/every", "/schedules", "/timezone");
  private static final DateTimeFormatter THIS_YEAR = DateTimeFormatter.ofPattern("EEE d MMM HH:mm", Locale.ENGLISH);
  private static final DateTimeFormatter OTHER_YEAR = DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm",
      Locale.ENGLISH);
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);

  private final Schedules schedules;
  private final Clock clock;

  public ScheduleCommands(Schedules schedules, Clock clock) {
    this.schedules = schedules;
    this.clock = clock;
  }

  /** The answer to one of {@link #NAMES}. */
  public String run(String name, Author who, String args) {
    return switch (name) {
      case "/later" -> later(who, args);
      case "/every" -> every(who, args);
      case "/schedules" -> schedules(who, args);
      case "/timezone" -> timezone(who, args);
      default -> throw new IllegalArgumentException("not a schedule command: " + name);
    };
  }

  private String later(Author who, String args) {
    ZoneId zone = schedules.zone(who.sessionKey());
    String usage = "Usage: /later <when> <message>, when being in 2h, in 30m, at 17:30, tomorrow 9:00, friday 8am"
        + " or 2026-12-24 18:00 (this chat's time zone: " + zone.getId() + ").";
    return attempt(args, usage, () -> {
      When.Parsed p = When.parse(args, ZonedDateTime.now(clock).withZoneSameInstant(zone),
          schedules.config().maxAhead());
      refuseNested(p.message());
      String when = args.substring(0, args.indexOf(p.message())).strip();
      Schedule s = schedules.add(who, p.message(), null, when, zone, p.at().toInstant());
      return "Scheduled #" + s.id() + " for " + format(s.nextAt(), zone) + " (" + zone.getId() + "): "
          + s.text() + "\n/schedules lists this chat's schedules; /schedules cancel " + s.id() + " drops this one.";
    });
  }

  private String every(Author who, String args) {
    ZoneId zone = schedules.zone(who.sessionKey());
    String usage = "Usage: /every <rule> <message>, the rule being day 9:00, weekday 8:30, monday 9am, hour, 30m,"
        + " 2h, or a cron expression like 0 9 * * 1-5 (this chat's time zone: " + zone.getId() + ").";
    return attempt(args, usage, () -> {
      Words w = new Words(args);
      Recurrence rule = Recurrence.read(w);
      if (w.rest().isEmpty()) throw new IllegalArgumentException("nothing to send: write the message after the rule");
      refuseNested(w.rest());
      Instant now = clock.instant();
      Duration gap = rule.shortestGap(now, zone);
      Duration min = schedules.config().minInterval();
      if (gap.compareTo(min) < 0) {
        throw new IllegalArgumentException("it would run every " + span(gap) + "; the shortest allowed is "
            + span(min));
      }
      Instant first = rule.next(now, zone).orElseThrow(() -> new IllegalArgumentException("it never occurs"));
      Schedule s = schedules.add(who, w.rest(), rule, null, zone, first);
      return "Scheduled #" + s.id() + " every " + s.rule() + " (" + zone.getId() + "), next " + format(first, zone)
          + ": " + s.text() + "\n/schedules cancel " + s.id() + " stops it.";
    });
  }

  /** The answer of a schedule being made, or why it was not: a mistake (with the usage) or a limit. */
  private static String attempt(String args, String usage, Supplier<String> make) {
    if (args.isBlank()) return usage;
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      return "Not scheduled: " + e.getMessage() + ".\n" + usage;
    } catch (IllegalStateException e) {
      return "Not scheduled: " + e.getMessage() + ".";
    }
  }

  private String schedules(Author who, String args) {
    String[] words = args.strip().toLowerCase(Locale.ROOT).split("\\s+");
    if (words[0].equals("cancel")) return cancel(who, words.length > 1 ? words[1] : "");
    if (!words[0].isEmpty()) {
      return "Usage: /schedules lists this chat's schedules; /schedules cancel <n>|all drops them.";
    }
    ZoneId zone = schedules.zone(who.sessionKey());
    List<Schedule> list = schedules.active(who.sessionKey());
    if (list.isEmpty()) return "No schedules in this chat. /later and /every make one; /help says how.";
    return "Schedules of this chat:\n" + list.stream().map(s -> line(s, zone)).collect(Collectors.joining("\n"))
        + "\n/schedules cancel <n> drops one.";
  }

  private String cancel(Author who, String which) {
    if (which.equals("all")) {
      List<Schedule> list = schedules.active(who.sessionKey());
      list.forEach(s -> schedules.cancel(who.sessionKey(), s.id()));
      return list.isEmpty() ? "No schedules to cancel." : "Canceled " + list.size() + " schedule"
          + (list.size() == 1 ? "." : "s.");
    }
    String digits = which.startsWith("#") ? which.substring(1) : which;
    if (!digits.matches("\\d{1,18}")) return "Usage: /schedules cancel <n>, n being the number /schedules shows.";
    return schedules.cancel(who.sessionKey(), Long.parseLong(digits)) ? "Canceled schedule #" + digits + "."
        : "No schedule #" + digits + " in this chat. /schedules lists them.";
  }

  private String timezone(Author who, String args) {
    String name = args.strip();
    if (!name.isEmpty()) {
      Optional<ZoneId> zone = zone(name);
      if (zone.isEmpty()) {
        return "There is no time zone \"" + name + "\". Use a name like Europe/Berlin, America/New_York or UTC.";
      }
      schedules.setZone(who.sessionKey(), zone.get());
      return "This chat's time zone is now " + zone.get().getId() + " (it is "
          + ZonedDateTime.now(clock).withZoneSameInstant(zone.get()).format(CLOCK) + " there)."
          + " Schedules made before keep the zone they were made in.";
    }
    ZoneId zone = schedules.zone(who.sessionKey());
    return "This chat's time zone is " + zone.getId() + " (it is "
        + ZonedDateTime.now(clock).withZoneSameInstant(zone).format(CLOCK) + " there)."
        + " /timezone <zone> changes it, e.g. /timezone America/New_York.";
  }

  /** A zone by its id, forgiving case ({@code europe/berlin}). */
  static Optional<ZoneId> zone(String name) {
    for (String id : ZoneId.getAvailableZoneIds()) if (id.equalsIgnoreCase(name)) return Optional.of(ZoneId.of(id));
    try {
      return Optional.of(ZoneId.of(name.toUpperCase(Locale.ROOT)).normalized());
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  /** Refuses a scheduled message that would itself schedule. */
  private static void refuseNested(String message) {
    String first = message.strip().split("\\s+")[0].toLowerCase(Locale.ROOT);
    if (NAMES.contains(first)) throw new IllegalArgumentException("a scheduled message cannot be " + first + " itself");
  }

  private String line(Schedule s, ZoneId chatZone) {
    String when = s.recurring() ? "every " + s.rule() + ", next " + format(s.nextAt(), s.zone())
        : "once, " + format(s.nextAt(), s.zone());
    String zone = s.zone().equals(chatZone) ? "" : " (" + s.zone().getId() + ")";
    return "#" + s.id() + " " + when + zone + " — " + s.text();
  }

  /** {@code 2h}, {@code 30m}, {@code 45s}. */
  private static String span(Duration d) {
    if (d.toMinutes() > 0 && d.toSecondsPart() == 0) {
      return d.toMinutesPart() == 0 ? d.toHours() + "h" : d.toHours() > 0 ? d.toHours() + "h " + d.toMinutesPart() + "m"
          : d.toMinutes() + "m";
    }
    return d.toSeconds() + "s";
  }

  private String format(Instant at, ZoneId zone) {
    ZonedDateTime t = at.atZone(zone);
    return t.format(t.getYear() == ZonedDateTime.now(clock).withZoneSameInstant(zone).getYear() ? THIS_YEAR
        : OTHER_YEAR);
  }
}
