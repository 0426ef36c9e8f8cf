package dev.tasklane.agents;

import dev.tasklane.attachments.AttachmentStore;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a task was sent with, put where its handler's process or model can reach them: copies
 * in the {@code attachments} folder of its working folder, under the names they came with (made safe
 * and unique). The stored originals stay untouched.
 */
public final class TaskFiles {
  /** The folder, inside a working folder, that attached files are copied to. */
  public static final String FOLDER = "attachments";
  /** The environment variable that lists the copies' paths, one a line, for commands. */
  public static final String ENV = "TASKLANE_ATTACHMENTS";

  private TaskFiles() {}

  /** A copy of one attached file. */
  public record Copy(AttachmentStore.Named file, Path path) {}

  /**
   * Copies the task's attachments into {@code workdir/attachments}; none when the task has none.
   *
   * @throws TaskFailure {@code bad_input} when the input names attachments this server does not
   *     have (or another session's), or has no attachment store
   */
  public static List<Copy> copy(AttachmentStore store, Task task, Path workdir) throws TaskFailure {
    if (task.input() == null || !task.input().has(AttachmentStore.INPUT_FIELD)) return List.of();
    if (store == null) throw TaskFailure.permanent("bad_input", "this server keeps no attachments");
    List<AttachmentStore.Named> files;
    try {
      files = store.ofTask(task);
    } catch (IllegalArgumentException e) {
      throw TaskFailure.permanent("bad_input", e.getMessage());
    }
    List<Copy> copies = new ArrayList<>();
    try {
      Path folder = Files.createDirectories(workdir.resolve(FOLDER));
      for (AttachmentStore.Named f : files) {
        copies.add(new Copy(f, Files.copy(f.file(), folder.resolve(f.name()), StandardCopyOption.REPLACE_EXISTING)));
      }
    } catch (IOException e) {
      throw TaskFailure.retryable("attachments_unavailable", "cannot copy the attachments: " + e.getMessage());
    }
    return copies;
  }

  /** The copies' paths, one a line, for {@link #ENV}. */
  public static String paths(List<Copy> copies) {
    return String.join("\n", copies.stream().map(c -> c.path().toString()).toList());
  }
}
