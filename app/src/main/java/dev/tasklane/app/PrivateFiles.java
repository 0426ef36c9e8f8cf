package dev.tasklane.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files that hold secrets (the admin token, the tokens file) must be the owner's alone: the server
 * refuses to start with one that others can read or change, and says how to fix it.
 */
final class PrivateFiles {
  private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

  private PrivateFiles() {}

  /**
   * @throws IllegalArgumentException when {@code file} can be read or written by its group or by
   *     other users (on a file system without POSIX permissions there is nothing to check)
   */
  static void requirePrivate(Path file, String what) throws IOException {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return;
    }
    if (perms.stream().anyMatch(OTHERS::contains)) {
      throw new IllegalArgumentException(what + " " + file + " can be read or changed by other users (mode "
          + PosixFilePermissions.toString(perms) + "); make it yours alone: chmod 600 " + file);
    }
  }
}
