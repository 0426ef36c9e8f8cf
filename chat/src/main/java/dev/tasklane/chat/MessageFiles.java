package dev.tasklane.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.attachments.Attachment;
import dev.tasklane.attachments.AttachmentStore;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.TaskId;
import java.util.ArrayList;
import java.util.List;

/** The files a message carries: checked, named in its task's input, and kept as long as that task. */
final class MessageFiles {
  private volatile AttachmentStore store;

  void setStore(AttachmentStore store) {
    this.store = store;
  }

  /**
   * The message's attachments, checked to belong to its chat and to be within the limits.
   *
   * @throws LaneException {@code bad_request} without a store, else as {@link AttachmentStore#forSession}
   */
  List<Attachment> of(IncomingMessage m) {
    if (m.attachments().isEmpty()) return List.of();
    AttachmentStore s = store;
    if (s == null) throw new LaneException(ErrorCode.BAD_REQUEST, "this chat takes no attachments");
    return s.forSession(m.sessionKey(), m.attachments());
  }

  /** The line the message gets in the transcript and for the agent: which files, and where they will be. */
  static String note(List<Attachment> files) {
    List<String> names = new ArrayList<>();
    AttachmentStore.describe(files).forEach(f -> names.add(f.get("name").asText()));
    return "\n\n[Attached: " + String.join(", ", names) + " — in ./attachments/]";
  }

  /** The task's input names the files, so its handler gets them (an input that is no object cannot). */
  static SubmitRequest.Builder into(SubmitRequest.Builder b, List<Attachment> files) {
    if (files.isEmpty()) return b;
    SubmitRequest r = b.build();
    JsonNode input = r.input();
    if (!(input instanceof ObjectNode object)) return b;
    ObjectNode copy = object.deepCopy();
    copy.set(AttachmentStore.INPUT_FIELD, AttachmentStore.describe(files));
    return r.toBuilder().input(copy);
  }

  void link(TaskId task, List<Attachment> files) {
    if (!files.isEmpty()) store.link(task, files);
  }
}
