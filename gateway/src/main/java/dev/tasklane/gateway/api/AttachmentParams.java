package dev.tasklane.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.attachments.Attachment;
import dev.tasklane.attachments.AttachmentStore;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The {@code attachments} param of {@code task.create}, {@code task.fanOut}'s tasks and
 * {@code chat.send}: an array whose elements are ids of files uploaded to the same session
 * ({@code POST /v1/attachments}), or small files given inline as
 * {@code {"name", "mediaType", "data": "<base64>"}} (within the request size limit).
 */
public final class AttachmentParams {
  private AttachmentParams() {}

  /** The ids the param names, storing inline files first; empty without the param. */
  public static List<String> ids(Params p, String sessionKey, String uploadedBy, AttachmentStore store) {
    JsonNode list = p.json("attachments");
    if (list == null) return List.of();
    if (!list.isArray()) throw Params.bad("attachments must be an array of attachment ids or inline files");
    if (store == null) throw new LaneException(ErrorCode.BAD_REQUEST, "this server takes no attachments");
    if (list.size() > store.limits().maxPerTask()) {
      throw new LaneException(ErrorCode.TOO_LARGE, list.size() + " attachments; at most "
          + store.limits().maxPerTask() + " go with one task");
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode e : list) {
      if (e.isTextual()) ids.add(e.textValue());
      else if (e.isObject()) ids.add(inline(Params.of(e), sessionKey, uploadedBy, store).id());
      else throw Params.bad("attachments must contain attachment ids or inline files");
    }
    return ids;
  }

  /** The attachments the param names, checked for a task or message of {@code sessionKey}. */
  public static List<Attachment> read(Params p, String sessionKey, String uploadedBy, AttachmentStore store) {
    List<String> ids = ids(p, sessionKey, uploadedBy, store);
    return ids.isEmpty() ? List.of() : store.forSession(sessionKey, ids);
  }

  private static Attachment inline(Params f, String sessionKey, String uploadedBy, AttachmentStore store) {
    byte[] data;
    try {
      data = Base64.getDecoder().decode(f.requiredString("data"));
    } catch (IllegalArgumentException e) {
      throw Params.bad("an inline attachment's data must be base64");
    }
    return store.put(sessionKey, f.string("name"), f.string("mediaType"), new ByteArrayInputStream(data), uploadedBy);
  }
}
