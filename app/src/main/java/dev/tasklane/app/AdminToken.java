package dev.tasklane.app;

import dev.tasklane.store.Database;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;

/**
 * The admin token: {@code TASKLANE_TOKEN} if set, else the one kept in {@code <data>/token}, created
 * with mode 600 on first start. Nodes sharing a PostgreSQL database agree on one: the first to start
 * stores its token in the database, and every other node takes that one (and keeps it in its own
 * data folder, for the command line).
 *
 * @param generated true when this start created it (so it is worth printing)
 * @param fromEnvironment true when it came from {@code TASKLANE_TOKEN}
 * @param shared true when it is the one stored in the shared database
 */
public record AdminToken(String secret, boolean generated, boolean fromEnvironment, boolean shared) {
  public static final String FILE = "token";
  private static final String SETTING = "admin_token";

  public AdminToken(String secret, boolean generated, boolean fromEnvironment) {
    this(secret, generated, fromEnvironment, false);
  }

  /**
   * On a database several nodes share, the token they all accept: the one a node stored first, else
   * this one, stored now. A data folder whose token differs gets the shared one written to it.
   */
  AdminToken agreeWith(Database db, Path dataDir) throws IOException {
    if (fromEnvironment || db.dialect().singleProcess()) return this;
    db.migrate("app", "db/app");
    String agreed = db.write(tx -> {
      try (PreparedStatement put = tx.connection().prepareStatement(
          "INSERT INTO app_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
        put.setString(1, SETTING);
        put.setString(2, secret);
        put.executeUpdate();
      }
      try (PreparedStatement get = tx.connection().prepareStatement("SELECT value FROM app_settings WHERE name = ?")) {
        get.setString(1, SETTING);
        try (ResultSet rs = get.executeQuery()) {
          rs.next();
          return rs.getString(1);
        }
      }
    });
    if (agreed.equals(secret)) return new AdminToken(secret, generated, false, true);
    Files.writeString(dataDir.resolve(FILE), agreed + "\n", StandardCharsets.UTF_8);
    return new AdminToken(agreed, false, false, true);
  }

  /** Where the banner says the token comes from. */
  String source(Path dataDir) {
    return dataDir.resolve(FILE) + (shared ? ", shared by every node through the database" : "");
  }

  static AdminToken resolve(String fromEnv, Path dataDir) throws IOException {
    if (fromEnv != null && !fromEnv.isBlank()) return new AdminToken(fromEnv.strip(), false, true);
    Path file = dataDir.resolve(FILE);
    String existing = read(file);
    if (existing != null) {
      PrivateFiles.requirePrivate(file, "the admin token file");
      return new AdminToken(existing, false, false);
    }
    String secret = random();
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file); // not a POSIX file system
    } catch (FileAlreadyExistsException e) {
      String raced = read(file);
      if (raced != null) return new AdminToken(raced, false, false);
    }
    Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
    return new AdminToken(secret, true, false);
  }

  /** The token kept in a data folder, or null if there is none (used by the CLI client). */
  public static String read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) return null;
    String s = Files.readString(file, StandardCharsets.UTF_8).strip();
    return s.isEmpty() ? null : s;
  }

  private static String random() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
