package dev.tasklane.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The admin token: {@code TASKLANE_TOKEN} if set, else the one kept in {@code <data>/token}, created
 * with mode 600 on first start.
 *
 * @param generated true when this start created it (so it is worth printing)
 * @param fromEnvironment true when it came from {@code TASKLANE_TOKEN}
 */
public record AdminToken(String secret, boolean generated, boolean fromEnvironment) {
  public static final String FILE = "token";

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
