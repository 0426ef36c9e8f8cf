package dev.tasklane.attachments;

import java.time.Instant;

/**
 * A file sent with a message or a task, as stored.
 *
 * @param id random and unguessable; the file is stored under this name only
 * @param sessionKey the session it belongs to: only that session's tasks may use it, and whoever
 *     may see the session may download it
 * @param name the file name it was sent with, made safe ({@link FileNames#safe})
 * @param mediaType checked against the content ({@link MediaTypes})
 */
public record Attachment(String id, String sessionKey, String name, String mediaType, long size, String sha256,
    Instant createdAt) {

  /** True for the image types a model may be shown. */
  public boolean isImage() {
    return mediaType.startsWith("image/");
  }
}
