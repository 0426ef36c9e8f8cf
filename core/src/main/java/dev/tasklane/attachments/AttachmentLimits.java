package dev.tasklane.attachments;

import java.time.Duration;
import java.util.Set;

/**
 * The limits of attachments; docs/PROTOCOL.md lists them.
 *
 * @param maxFileBytes the largest file (default 10 MiB)
 * @param maxPerTask files one task or message may carry (default 10)
 * @param maxTaskBytes all files of one task or message together (default 25 MiB)
 * @param mediaTypes the types accepted, each checked against the content (default: PNG, JPEG, GIF,
 *     WebP, PDF, plain text, Markdown, CSV, JSON)
 * @param keepUnused how long an upload no task uses is kept (default 1 h); a used one lives as long
 *     as the tasks that use it (their retention)
 */
public record AttachmentLimits(long maxFileBytes, int maxPerTask, long maxTaskBytes, Set<String> mediaTypes,
    Duration keepUnused) {

  public AttachmentLimits {
    mediaTypes = Set.copyOf(mediaTypes);
    if (maxFileBytes < 1 || maxTaskBytes < 1 || maxPerTask < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (!MediaTypes.KNOWN.containsAll(mediaTypes)) {
      throw new IllegalArgumentException("media types must be some of " + MediaTypes.KNOWN);
    }
  }

  public static AttachmentLimits defaults() {
    return new AttachmentLimits(10L << 20, 10, 25L << 20, MediaTypes.KNOWN, Duration.ofHours(1));
  }

  public AttachmentLimits withMaxFileBytes(long n) {
    return new AttachmentLimits(n, maxPerTask, maxTaskBytes, mediaTypes, keepUnused);
  }

  public AttachmentLimits withMaxPerTask(int n) {
    return new AttachmentLimits(maxFileBytes, n, maxTaskBytes, mediaTypes, keepUnused);
  }

  public AttachmentLimits withMaxTaskBytes(long n) {
    return new AttachmentLimits(maxFileBytes, maxPerTask, n, mediaTypes, keepUnused);
  }

  public AttachmentLimits withKeepUnused(Duration d) {
    return new AttachmentLimits(maxFileBytes, maxPerTask, maxTaskBytes, mediaTypes, d);
  }
}
