package dev.tasklane.agents.profile;

import dev.tasklane.agents.Hashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Each session's working folder: {@code <data>/work/<session key made safe as a file name>}, created
 * on demand. A key that had to be changed gets a short hash of the original, so two sessions never
 * share a folder ({@code a:b} and {@code a_b} differ).
 */
public final class SessionFolders {
  private static final int MAX_NAME = 80;
  private final Path root;

  public SessionFolders(Path dataDir) {
    this.root = dataDir.resolve("work").toAbsolutePath().normalize();
  }

  /** The session's folder, created if missing. */
  public Path folder(String sessionKey) {
    Path p = root.resolve(name(sessionKey));
    try {
      Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the working folder " + p, e);
    }
    return p;
  }

  /** A file name for the key: letters, digits, '.', '_', '-' only; never "." or ".."; bounded length. */
  static String name(String sessionKey) {
    String safe = sessionKey.replaceAll("[^A-Za-z0-9._-]", "_");
    if (safe.length() > MAX_NAME) safe = safe.substring(0, MAX_NAME);
    if (safe.startsWith(".")) safe = "_" + safe.substring(1);
    if (safe.isEmpty()) safe = "_";
    return safe.equals(sessionKey) ? safe : safe + "-" + Hashes.shortHex(sessionKey, 4);
  }
}
