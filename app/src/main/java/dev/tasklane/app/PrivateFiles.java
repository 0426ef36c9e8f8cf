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
   * Creates the data folder, if it is missing, as its owner's alone (mode 700): it holds the
   * database, whose tasks hold commands' output. An existing folder is left as it is.
   */
  static void createFolder(Path folder) throws IOException {
    if (Files.isDirectory(folder)) return;
    if (folder.getParent() != null) Files.createDirectories(folder.getParent());
    try {
      Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      Files.createDirectory(folder); // not a POSIX file system
    } catch (java.nio.file.FileAlreadyExistsException e) {
      // created meanwhile by someone else: left as it is
    }
  }

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
