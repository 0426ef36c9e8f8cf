package dev.tasklane.telegram;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Statements on the stored updates, the polling offset and the strangers told off. */
final class UpdateSql {
  private UpdateSql() {}

  /** An update as stored: its id, its chat (may be null) and the JSON Telegram sent. */
  record StoredUpdate(long updateId, String chatKey, String payload) {}

  /**
   * Stores updates not seen before and moves the offset to {@code nextOffset} (never back), in the
   * caller's transaction; returns the updates that were new.
   */
  static List<StoredUpdate> store(Connection c, long botId, List<StoredUpdate> updates, long nextOffset, Instant now)
      throws SQLException {
    List<StoredUpdate> added = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO telegram_updates (bot_id, update_id, chat_key, payload,"
        + " received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (bot_id, update_id) DO NOTHING")) {
      for (StoredUpdate u : updates) {
        ps.setLong(1, botId);
        ps.setLong(2, u.updateId());
        ps.setString(3, u.chatKey());
        ps.setString(4, u.payload());
        ps.setLong(5, now.toEpochMilli());
        if (ps.executeUpdate() == 1) added.add(u);
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO telegram_offsets (bot_id, next_update_id) VALUES (?, ?)"
        + " ON CONFLICT (bot_id) DO UPDATE SET next_update_id = excluded.next_update_id"
        + " WHERE telegram_offsets.next_update_id < excluded.next_update_id")) {
      ps.setLong(1, botId);
      ps.setLong(2, nextOffset);
      ps.executeUpdate();
    }
    return added;
  }

  /** The offset the next {@code getUpdates} asks from (0 before the first update). */
  static long offset(Connection c, long botId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT next_update_id FROM telegram_offsets WHERE bot_id = ?")) {
      ps.setLong(1, botId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /** Stored updates not yet handled, oldest first. */
  static List<StoredUpdate> unhandled(Connection c, long botId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT update_id, chat_key, payload FROM telegram_updates"
        + " WHERE bot_id = ? AND handled_at IS NULL ORDER BY update_id")) {
      ps.setLong(1, botId);
      try (ResultSet rs = ps.executeQuery()) {
        List<StoredUpdate> out = new ArrayList<>();
        while (rs.next()) out.add(new StoredUpdate(rs.getLong(1), rs.getString(2), rs.getString(3)));
        return out;
      }
    }
  }

  static void handled(Connection c, long botId, long updateId, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE telegram_updates SET handled_at = ? WHERE bot_id = ? AND update_id = ?")) {
      ps.setLong(1, now.toEpochMilli());
      ps.setLong(2, botId);
      ps.setLong(3, updateId);
      ps.executeUpdate();
    }
  }

  /** Deletes updates handled before {@code before}; returns how many. */
  static int purge(Connection c, Instant before) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM telegram_updates WHERE handled_at IS NOT NULL AND handled_at < ?")) {
      ps.setLong(1, before.toEpochMilli());
      return ps.executeUpdate();
    }
  }

  /**
   * Records that a stranger is told off now, unless they were told since {@code since}; true when
   * they should be told.
   */
  static boolean tellStranger(Connection c, long userId, Instant since, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO telegram_strangers (user_id, refused_at) VALUES (?, ?)"
        + " ON CONFLICT (user_id) DO UPDATE SET refused_at = excluded.refused_at"
        + " WHERE telegram_strangers.refused_at < ?")) {
      ps.setLong(1, userId);
      ps.setLong(2, now.toEpochMilli());
      ps.setLong(3, since.toEpochMilli());
      return ps.executeUpdate() == 1;
    }
  }
}
