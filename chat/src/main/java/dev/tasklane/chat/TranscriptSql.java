package dev.tasklane.chat;

import dev.tasklane.chat.ChatMessage.Role;
import dev.tasklane.core.TaskId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Statements on the transcript ({@code chat_messages}) and the inbox of received message ids. */
final class TranscriptSql {
  private static final String COLUMNS = "id, session_key, role, text, task_id, reply_to, at, edited_at, status";

  private TranscriptSql() {}

  /**
   * A transcript entry to insert, with where it lives on the platform.
   *
   * @param platformMessageId the platform's id of a received message (null for ones still to send)
   */
  record NewEntry(String sessionKey, Role role, String text, TaskId taskId, Long replyTo, Instant at,
      boolean status, String channel, String chatId, String platformMessageId) {}

  /** A message seen before: its transcript entry, what was answered, and the task it started. */
  record InboxRow(long userEntry, Long answerEntry, TaskId taskId) {}

  static ChatMessage insert(Connection c, NewEntry e) throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement(
            "INSERT INTO chat_messages (session_key, role, text, task_id, reply_to, at, status, status_open, channel,"
                + " chat_id, platform_message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        e.sessionKey(), e.role().name().toLowerCase(Locale.ROOT), e.text(),
        e.taskId() == null ? null : e.taskId().value(), e.replyTo(), e.at(), e.status(), e.status(), e.channel(),
        e.chatId(), e.platformMessageId());
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      // as stored: to the millisecond, so that a later read gives an equal entry
      return new ChatMessage(rs.getLong(1), e.sessionKey(), e.role(), e.text(), e.taskId(), e.replyTo(),
          e.at().truncatedTo(ChronoUnit.MILLIS), null, e.status());
    }
  }

  static Optional<ChatMessage> find(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement("SELECT " + COLUMNS + " FROM chat_messages WHERE id = ?"),
        id); ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(map(rs)) : Optional.empty();
    }
  }

  /** Entries of a session with ids in ({@code afterId}, {@code upTo}], oldest first. */
  static List<ChatMessage> after(Connection c, String sessionKey, long afterId, long upTo, int limit)
      throws SQLException {
    return list(c, "SELECT " + COLUMNS + " FROM chat_messages WHERE session_key = ? AND id > ? AND id <= ?"
        + " ORDER BY id LIMIT ?", sessionKey, afterId, upTo, limit);
  }

  /** The newest {@code limit} entries of a session with ids up to {@code upTo}, oldest first. */
  static List<ChatMessage> latest(Connection c, String sessionKey, long upTo, int limit) throws SQLException {
    return list(c, "SELECT " + COLUMNS + " FROM chat_messages WHERE session_key = ? AND id <= ? ORDER BY id DESC"
        + " LIMIT ?", sessionKey, upTo, limit).reversed();
  }

  /** The newest status messages of a session up to {@code upToId} that were edited, oldest first. */
  static List<ChatMessage> editedStatus(Connection c, String sessionKey, long upToId, int limit) throws SQLException {
    List<ChatMessage> newestFirst = list(c, "SELECT " + COLUMNS + " FROM chat_messages WHERE session_key = ? AND id <= ?"
        + " AND status = 1 AND edited_at IS NOT NULL ORDER BY id DESC LIMIT ?", sessionKey, upToId, limit);
    return newestFirst.reversed();
  }

  /** Changes an entry's text; {@code open} false marks a status message as final. */
  static ChatMessage edit(Connection c, long id, String text, Instant at, boolean open) throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement(
        "UPDATE chat_messages SET text = ?, edited_at = ?, status_open = ? WHERE id = ?"), text, at, open, id)) {
      ps.executeUpdate();
    }
    return find(c, id).orElseThrow();
  }

  /** Changes the text of a status message that is still open; false if its task finished meanwhile. */
  static boolean editOpenStatus(Connection c, long id, String text, Instant at) throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement(
        "UPDATE chat_messages SET text = ?, edited_at = ? WHERE id = ? AND status_open = 1"), text, at, id)) {
      return ps.executeUpdate() == 1;
    }
  }

  /** Records what the platform shows for an entry after a send or an edit went through. */
  static void platformShows(Connection c, long id, String platformMessageId, String text) throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement(
        "UPDATE chat_messages SET platform_message_id = COALESCE(platform_message_id, ?), platform_text = ?"
            + " WHERE id = ?"), platformMessageId, text, id)) {
      ps.executeUpdate();
    }
  }

  /** The platform's id of an entry and the text it shows, once a send went through (on whichever node). */
  record OnPlatform(String platformMessageId, String platformText) {}

  static Optional<OnPlatform> onPlatform(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement(
        "SELECT platform_message_id, platform_text FROM chat_messages WHERE id = ? AND platform_message_id IS NOT NULL"),
        id); ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(new OnPlatform(rs.getString(1), rs.getString(2))) : Optional.empty();
    }
  }

  /** The status message of a task, if it has one. */
  static Optional<ChatMessage> statusOf(Connection c, TaskId taskId) throws SQLException {
    List<ChatMessage> l = list(c, "SELECT " + COLUMNS + " FROM chat_messages WHERE task_id = ? AND status = 1",
        taskId.value());
    return l.stream().findFirst();
  }

  /**
   * A status message as the status reporter needs it after a restart; {@code keeper} is the node that
   * keeps it up to date (null before nodes were recorded).
   */
  record StatusRow(ChatMessage entry, String channel, String chatId, String platformMessageId, String platformText,
      boolean open, String keeper) {}

  /** Records the node that keeps a status message up to date. */
  static void keepStatus(Connection c, long id, String node) throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement("UPDATE chat_messages SET status_node = ? WHERE id = ?"),
        node, id)) {
      ps.executeUpdate();
    }
  }

  /** Takes a status message over from {@code from} (null: no keeper recorded); false if another node did first. */
  static boolean adoptStatus(Connection c, long id, String from, String to) throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement("UPDATE chat_messages SET status_node = ? WHERE id = ?"
        + " AND " + (from == null ? "status_node IS NULL" : "status_node = ?")), from == null
        ? new Object[] {to, id} : new Object[] {to, id, from})) {
      return ps.executeUpdate() == 1;
    }
  }

  /** Status messages whose task is still open or whose last text has not reached the platform. */
  static List<StatusRow> unsettledStatus(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + ", channel, chat_id, platform_message_id,"
        + " platform_text, status_open, status_node FROM chat_messages WHERE status = 1 AND (status_open = 1"
        + " OR (platform_message_id IS NOT NULL AND (platform_text IS NULL OR platform_text <> text)))");
        ResultSet rs = ps.executeQuery()) {
      List<StatusRow> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new StatusRow(map(rs), rs.getString("channel"), rs.getString("chat_id"),
            rs.getString("platform_message_id"), rs.getString("platform_text"), rs.getInt("status_open") != 0,
            rs.getString("status_node")));
      }
      return out;
    }
  }

  static Optional<InboxRow> inbox(Connection c, String sessionKey, String messageId) throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement(
            "SELECT user_entry, answer_entry, task_id FROM chat_inbox WHERE session_key = ? AND message_id = ?"),
        sessionKey, messageId); ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) return Optional.empty();
      Long task = Sql.nullableLong(rs, "task_id");
      return Optional.of(new InboxRow(rs.getLong("user_entry"), Sql.nullableLong(rs, "answer_entry"),
          task == null ? null : TaskId.of(task)));
    }
  }

  /** Records a received message id; false if another connection recorded it first (the key decides). */
  static boolean insertInbox(Connection c, String sessionKey, String messageId, long userEntry, Instant at)
      throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement(
        "INSERT INTO chat_inbox (session_key, message_id, user_entry, received_at) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (session_key, message_id) DO NOTHING"),
        sessionKey, messageId, userEntry, at)) {
      return ps.executeUpdate() == 1;
    }
  }

  static void answered(Connection c, String sessionKey, String messageId, Long answerEntry, TaskId taskId)
      throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement(
        "UPDATE chat_inbox SET answer_entry = ?, task_id = ? WHERE session_key = ? AND message_id = ?"),
        answerEntry, taskId == null ? null : taskId.value(), sessionKey, messageId)) {
      ps.executeUpdate();
    }
  }

  private static List<ChatMessage> list(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement(sql), args); ResultSet rs = ps.executeQuery()) {
      List<ChatMessage> out = new ArrayList<>();
      while (rs.next()) out.add(map(rs));
      return out;
    }
  }

  private static ChatMessage map(ResultSet rs) throws SQLException {
    Long task = Sql.nullableLong(rs, "task_id");
    return new ChatMessage(rs.getLong("id"), rs.getString("session_key"),
        Role.valueOf(rs.getString("role").toUpperCase(Locale.ROOT)), rs.getString("text"),
        task == null ? null : TaskId.of(task), Sql.nullableLong(rs, "reply_to"), Sql.instant(rs, "at"),
        Sql.instant(rs, "edited_at"), rs.getInt("status") != 0);
  }
}
