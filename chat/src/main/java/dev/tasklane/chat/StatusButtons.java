package dev.tasklane.chat;

import dev.tasklane.chat.OutgoingMessage.Button;
import dev.tasklane.core.TaskId;
import java.util.List;

/** The buttons of a running task's status message. */
final class StatusButtons {
  private StatusButtons() {}

  static List<Button> of(TaskId task) {
    return List.of(new Button("Cancel", "/cancel " + task));
  }
}
