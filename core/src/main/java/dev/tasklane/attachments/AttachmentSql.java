package dev.tasklane.attachments;

import dev.tasklane.core.TaskId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The statements of {@code attachments}, {@code attachment_uses} and (on a database several
 * processes share) {@code attachment_bytes}.
 */
final class AttachmentSql {
  private static final String COLUMNS = "id, session_key, name, media_type, size, sha256, created_at";

  private AttachmentSql() {}

  static void insert(Connection c, Attachment a, String uploadedBy) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO attachments (" + COLUMNS + ", uploaded_by)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, a.id());
      ps.setString(2, a.sessionKey());
      ps.setString(3, a.name());
      ps.setString(4, a.mediaType());
      ps.setLong(5, a.size());
      ps.setString(6, a.sha256());
      ps.setLong(7, a.createdAt().toEpochMilli());
      ps.setString(8, uploadedBy);
      ps.executeUpdate();
    }
  }

  /** Keeps {@code file}'s bytes as the attachment {@code id}'s (where the database holds them). */
  static void insertBytes(Connection c, String id, Path file) throws SQLException, IOException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO attachment_bytes (id, data) VALUES (?, ?)");
        InputStream in = Files.newInputStream(file)) {
      ps.setString(1, id);
      ps.setBinaryStream(2, in, Files.size(file));
      ps.executeUpdate();
    }
  }

  /** The attachment {@code id}'s bytes, if the database holds them. */
  static Optional<byte[]> bytes(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT data FROM attachment_bytes WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
      }
    }
  }

  /** Which of {@code ids} are attachments still stored. */
  static Set<String> existing(Connection c, List<String> ids) throws SQLException {
    Set<String> out = new HashSet<>();
    if (ids.isEmpty()) return out;
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM attachments WHERE id IN ("
        + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")")) {
      for (int i = 0; i < ids.size(); i++) ps.setString(i + 1, ids.get(i));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getString(1));
      }
    }
    return out;
  }

  static Optional<Attachment> find(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM attachments WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return Optional.empty();
        return Optional.of(new Attachment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getLong(5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7))));
      }
    }
  }

  static void used(Connection c, List<Attachment> attachments, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE attachments SET used_at = ? WHERE id = ?")) {
      for (Attachment a : attachments) {
        ps.setLong(1, now.toEpochMilli());
        ps.setString(2, a.id());
        ps.executeUpdate();
      }
    }
  }

  static void link(Connection c, TaskId task, List<Attachment> attachments) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO attachment_uses (task_id, attachment_id) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      for (Attachment a : attachments) {
        ps.setLong(1, task.value());
        ps.setString(2, a.id());
        ps.executeUpdate();
      }
    }
  }

  /**
   * Forgets the links of purged tasks, then returns the attachments created before {@code before}
   * that no kept task uses, and deletes their rows.
   */
  static List<String> purge(Connection c, Instant before) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM attachment_uses WHERE NOT EXISTS"
        + " (SELECT 1 FROM tasks t WHERE t.id = attachment_uses.task_id)")) {
      ps.executeUpdate();
    }
    List<String> ids = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT a.id FROM attachments a"
        + " WHERE COALESCE(a.used_at, a.created_at) < ?"
        + " AND NOT EXISTS (SELECT 1 FROM attachment_uses u WHERE u.attachment_id = a.id)")) {
      ps.setLong(1, before.toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) ids.add(rs.getString(1));
      }
    }
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM attachments WHERE id = ?")) {
      for (String id : ids) {
        ps.setString(1, id);
        ps.executeUpdate();
      }
    }
    return ids;
  }
}
