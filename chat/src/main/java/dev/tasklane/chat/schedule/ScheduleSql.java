package dev.tasklane.chat.schedule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The statements of {@code chat_schedules}, {@code chat_schedule_runs} and {@code chat_settings}. */
final class ScheduleSql {
  private static final String COLUMNS = "id, session_key, channel, chat_id, sender, text, cron, rule, time_zone,"
      + " next_at, state, created_at, last_run_at";

  private ScheduleSql() {}

  /** A schedule to store; its id comes from the database. */
  record NewSchedule(String sessionKey, String channel, String chatId, String sender, String text, String cron,
      String rule, ZoneId zone, Instant nextAt, Instant createdAt) {}

  /** An occurrence claimed but not yet sent through the chat flow. */
  record Unsent(Schedule schedule, Instant occurrence) {}

  static Schedule insert(Connection c, NewSchedule s) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO chat_schedules (session_key, channel, chat_id,"
        + " sender, text, cron, rule, time_zone, next_at, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
        + " 'active', ?) RETURNING id")) {
      ps.setString(1, s.sessionKey());
      ps.setString(2, s.channel());
      ps.setString(3, s.chatId());
      ps.setString(4, s.sender());
      ps.setString(5, s.text());
      ps.setString(6, s.cron());
      ps.setString(7, s.rule());
      ps.setString(8, s.zone().getId());
      ps.setLong(9, s.nextAt().toEpochMilli());
      ps.setLong(10, s.createdAt().toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Schedule(rs.getLong(1), s.sessionKey(), s.channel(), s.chatId(), s.sender(), s.text(), s.cron(),
            s.rule(), s.zone(), s.nextAt(), Schedule.State.ACTIVE, s.createdAt(), null);
      }
    }
  }

  static int countActive(Connection c, String sessionKey) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT COUNT(*) FROM chat_schedules WHERE session_key = ? AND state = 'active'")) {
      ps.setString(1, sessionKey);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  static List<Schedule> active(Connection c, String sessionKey) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
        + " FROM chat_schedules WHERE session_key = ? AND state = 'active' ORDER BY next_at, id")) {
      ps.setString(1, sessionKey);
      return all(ps);
    }
  }

  static Optional<Schedule> find(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM chat_schedules WHERE id = ?")) {
      ps.setLong(1, id);
      return all(ps).stream().findFirst();
    }
  }

  static List<Schedule> due(Connection c, Instant now, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
        + " FROM chat_schedules WHERE state = 'active' AND next_at <= ? ORDER BY next_at LIMIT ?")) {
      ps.setLong(1, now.toEpochMilli());
      ps.setInt(2, limit);
      return all(ps);
    }
  }

  /** Occurrences claimed at or before {@code claimedBefore} and never sent. */
  static List<Unsent> unsent(Connection c, Instant claimedBefore, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT r.occurrence_at, s.id, s.session_key, s.channel,"
        + " s.chat_id, s.sender, s.text, s.cron, s.rule, s.time_zone, s.next_at, s.state, s.created_at, s.last_run_at"
        + " FROM chat_schedule_runs r JOIN chat_schedules s ON s.id = r.schedule_id"
        + " WHERE r.sent_at IS NULL AND r.claimed_at <= ? ORDER BY r.claimed_at LIMIT ?")) {
      ps.setLong(1, claimedBefore.toEpochMilli());
      ps.setInt(2, limit);
      List<Unsent> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(new Unsent(map(rs, 1), Instant.ofEpochMilli(rs.getLong(1))));
      }
      return out;
    }
  }

  /**
   * Claims the occurrence {@code occurrence} of a schedule: moves the schedule on to {@code next}
   * (null: it is done) only if it still stands at that occurrence, and records the run. False when
   * another node claimed it first, or it was canceled meanwhile.
   */
  static boolean claim(Connection c, Schedule s, Instant next, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE chat_schedules SET next_at = ?, state = ?,"
        + " last_run_at = ? WHERE id = ? AND next_at = ? AND state = 'active'")) {
      if (next == null) ps.setNull(1, Types.BIGINT);
      else ps.setLong(1, next.toEpochMilli());
      ps.setString(2, next == null ? "done" : "active");
      ps.setLong(3, now.toEpochMilli());
      ps.setLong(4, s.id());
      ps.setLong(5, s.nextAt().toEpochMilli());
      if (ps.executeUpdate() == 0) return false;
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO chat_schedule_runs (schedule_id, occurrence_at,"
        + " claimed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
      ps.setLong(1, s.id());
      ps.setLong(2, s.nextAt().toEpochMilli());
      ps.setLong(3, now.toEpochMilli());
      return ps.executeUpdate() == 1;
    }
  }

  static void sent(Connection c, long scheduleId, Instant occurrence, Long taskId, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE chat_schedule_runs SET sent_at = ?, task_id = ?"
        + " WHERE schedule_id = ? AND occurrence_at = ?")) {
      ps.setLong(1, now.toEpochMilli());
      if (taskId == null) ps.setNull(2, Types.BIGINT);
      else ps.setLong(2, taskId);
      ps.setLong(3, scheduleId);
      ps.setLong(4, occurrence.toEpochMilli());
      ps.executeUpdate();
    }
  }

  static boolean cancel(Connection c, String sessionKey, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE chat_schedules SET state = 'canceled', next_at = NULL"
        + " WHERE id = ? AND session_key = ? AND state = 'active'")) {
      ps.setLong(1, id);
      ps.setString(2, sessionKey);
      return ps.executeUpdate() == 1;
    }
  }

  /** Forgets sent runs and finished schedules older than {@code before}. */
  static int purge(Connection c, Instant before) throws SQLException {
    int n;
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM chat_schedule_runs WHERE sent_at < ?")) {
      ps.setLong(1, before.toEpochMilli());
      n = ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM chat_schedules WHERE state <> 'active'"
        + " AND COALESCE(last_run_at, created_at) < ? AND NOT EXISTS (SELECT 1 FROM chat_schedule_runs r"
        + " WHERE r.schedule_id = chat_schedules.id AND r.sent_at IS NULL)")) {
      ps.setLong(1, before.toEpochMilli());
      return n + ps.executeUpdate();
    }
  }

  static Optional<ZoneId> zone(Connection c, String sessionKey) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT time_zone FROM chat_settings WHERE session_key = ?")) {
      ps.setString(1, sessionKey);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getString(1) != null ? Optional.of(ZoneId.of(rs.getString(1))) : Optional.empty();
      }
    }
  }

  static void setZone(Connection c, String sessionKey, ZoneId zone) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO chat_settings (session_key, time_zone) VALUES (?, ?)"
        + " ON CONFLICT (session_key) DO UPDATE SET time_zone = excluded.time_zone")) {
      ps.setString(1, sessionKey);
      ps.setString(2, zone.getId());
      ps.executeUpdate();
    }
  }

  private static List<Schedule> all(PreparedStatement ps) throws SQLException {
    List<Schedule> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.add(map(rs, 0));
    }
    return out;
  }

  /** Reads the schedule's columns, in {@link #COLUMNS}' order, starting after column {@code skip}. */
  private static Schedule map(ResultSet rs, int skip) throws SQLException {
    int i = skip;
    return new Schedule(rs.getLong(++i), rs.getString(++i), rs.getString(++i), rs.getString(++i), rs.getString(++i),
        rs.getString(++i), rs.getString(++i), rs.getString(++i), ZoneId.of(rs.getString(++i)), instant(rs, ++i),
        Schedule.State.valueOf(rs.getString(++i).toUpperCase(Locale.ROOT)), instant(rs, ++i), instant(rs, ++i));
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }
}
