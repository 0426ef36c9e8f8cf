package dev.tasklane.chat;

import dev.tasklane.core.TaskId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Statements on the outbox ({@code chat_outbox}) and the event cursor ({@code chat_cursors}). */
final class OutboxSql {
  static final String EVENTS_CURSOR = "events";

  private OutboxSql() {}

  /** Where a message goes: the channel, the chat, and the platform id of the message it answers. */
  record Target(String channel, String chatId, String replyTo) {}

  /**
   * A message waiting to be sent, with the current text of its transcript entry; {@code openTask} is
   * the task of a status message whose task has not finished (it gets a Cancel button), else null.
   */
  record Pending(long id, long entryId, boolean status, String text, Target target, int attempts, int partsSent,
      Instant nextAttemptAt, TaskId openTask) {}

  /**
   * Queues a message; false if it delivers the outcome of {@code resultOf} and another connection
   * queued that outcome first (the unique {@code result_of} decides, not a look before the insert).
   */
  static boolean enqueue(Connection c, long entryId, Target t, TaskId resultOf, Instant now) throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement(
        "INSERT INTO chat_outbox (entry_id, channel, chat_id, reply_to, result_of, state, next_attempt_at,"
            + " created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (result_of) DO NOTHING"),
        entryId, t.channel(), t.chatId(), t.replyTo(), resultOf == null ? null : resultOf.value(), now, now)) {
      return ps.executeUpdate() == 1;
    }
  }

  /** The transcript entry that delivers the outcome of a task, if one was recorded. */
  static Optional<Long> outcomeEntry(Connection c, TaskId taskId) throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement("SELECT entry_id FROM chat_outbox WHERE result_of = ?"),
        taskId.value()); ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
    }
  }

  /** The oldest pending message of each chat of a channel: the only one of its chat that may go next. */
  private static final String HEADS = "SELECT MIN(id) FROM chat_outbox WHERE state = 'pending' AND channel = ?"
      + " GROUP BY chat_id";

  /**
   * The first pending message of each chat of {@code channel} that is due by {@code now}, oldest first:
   * a chat waiting for a retry, or with many messages, takes no place from another chat. A message
   * {@code node} last failed to send is due for it only {@code handOver} after its retry time: the
   * other nodes get the first try (a node whose connection to the platform is down would otherwise
   * keep retrying it alone).
   */
  static List<Pending> dueHeads(Connection c, String channel, Instant now, int limit, String node, Duration handOver)
      throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement(
            "SELECT o.id, o.entry_id, m.status, m.text, o.channel, o.chat_id, o.reply_to, o.attempts, o.parts_sent,"
                + " o.next_attempt_at, m.task_id, m.status_open FROM chat_outbox o JOIN chat_messages m"
                + " ON m.id = o.entry_id WHERE o.id IN (" + HEADS + ") AND o.next_attempt_at <= ?"
                + " AND (o.claimed_until IS NULL OR o.claimed_until <= ?)"
                + " AND (o.attempts = 0 OR o.claimed_by IS NULL OR o.claimed_by <> ? OR o.next_attempt_at <= ?)"
                + " ORDER BY o.id LIMIT ?"),
            channel, now, now, node == null ? "" : node, now.minus(handOver), limit);
        ResultSet rs = ps.executeQuery()) {
      List<Pending> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new Pending(rs.getLong("id"), rs.getLong("entry_id"), rs.getInt("status") != 0, rs.getString("text"),
            new Target(rs.getString("channel"), rs.getString("chat_id"), rs.getString("reply_to")),
            rs.getInt("attempts"), rs.getInt("parts_sent"), Sql.instant(rs, "next_attempt_at"), openTask(rs)));
      }
      return out;
    }
  }

  /**
   * When the first of a channel's chats waiting for a retry, or for another node's claim to run out,
   * is due, if one is.
   */
  static Optional<Instant> nextRetry(Connection c, String channel) throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement(
        "SELECT MIN(CASE WHEN claimed_until > next_attempt_at THEN claimed_until ELSE next_attempt_at END) AS next"
            + " FROM chat_outbox WHERE id IN (" + HEADS + ")"), channel);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return Optional.ofNullable(Sql.instant(rs, "next"));
    }
  }

  private static TaskId openTask(ResultSet rs) throws SQLException {
    Long task = Sql.nullableLong(rs, "task_id");
    return task != null && rs.getInt("status") != 0 && rs.getInt("status_open") != 0 ? TaskId.of(task) : null;
  }

  /**
   * Takes a pending message to send it, until {@code until}: true when no other node holds it (its
   * claim ran out, or there was none) and no part of it was sent since {@code partsSent} was read.
   */
  static boolean claim(Connection c, long id, int partsSent, String node, Instant now, Instant until)
      throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement(
        "UPDATE chat_outbox SET claimed_by = ?, claimed_until = ? WHERE id = ? AND state = 'pending'"
            + " AND parts_sent = ? AND (claimed_until IS NULL OR claimed_until <= ?)"),
        node, until, id, partsSent, now)) {
      return ps.executeUpdate() == 1;
    }
  }

  /** Drops the claims {@code node} holds on messages not sent yet (it stops). */
  static int release(Connection c, String node) throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement("UPDATE chat_outbox SET claimed_until = NULL"
        + " WHERE claimed_by = ? AND state = 'pending' AND claimed_until IS NOT NULL"), node)) {
      return ps.executeUpdate();
    }
  }

  /**
   * Records that the platform took part {@code partsSent - 1}; the message is sent once all parts are.
   * A claim is renewed until {@code claimUntil} for the next part, or dropped when it is null.
   */
  static void partSent(Connection c, long id, int partsSent, boolean last, Instant now, Instant claimUntil)
      throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement(
        "UPDATE chat_outbox SET parts_sent = ?, state = ?, sent_at = ?, last_error = NULL, claimed_until = ?"
            + " WHERE id = ?"),
        partsSent, last ? "sent" : "pending", last ? now : null, last ? null : claimUntil, id)) {
      ps.executeUpdate();
    }
  }

  /**
   * Records a failed try: retried at {@code next} (by whichever node gets to it first), or given up
   * ({@code failed}) when {@code giveUp}.
   */
  static void failed(Connection c, long id, String error, Instant next, boolean giveUp) throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement(
        "UPDATE chat_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, state = ?,"
            + " claimed_until = NULL WHERE id = ?"),
        error, next, giveUp ? "failed" : "pending", id)) {
      ps.executeUpdate();
    }
  }

  /** The stored cursor, created at {@code initial} the first time. */
  static long cursor(Connection c, String name, long initial) throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement(
        "INSERT INTO chat_cursors (name, position) VALUES (?, ?) ON CONFLICT (name) DO NOTHING"), name, initial)) {
      ps.executeUpdate();
    }
    try (PreparedStatement ps = Sql.bind(c.prepareStatement("SELECT position FROM chat_cursors WHERE name = ?"), name);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Moves a cursor forward (never back). */
  static void advance(Connection c, String name, long position) throws SQLException {
    try (PreparedStatement ps = Sql.bind(c.prepareStatement(
        "UPDATE chat_cursors SET position = ? WHERE name = ? AND position < ?"), position, name, position)) {
      ps.executeUpdate();
    }
  }
}
