package dev.tasklane.gateway.webchat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.chat.ChatMessage;
import dev.tasklane.gateway.api.Json;
import java.util.Locale;

/** The wire shape of a transcript entry (docs/PROTOCOL.md). */
public final class ChatJson {
  private ChatJson() {}

  public static ObjectNode message(ChatMessage m) {
    ObjectNode n = Json.object();
    n.put("id", m.id());
    n.put("sessionKey", m.sessionKey());
    n.put("role", m.role().name().toLowerCase(Locale.ROOT));
    n.put("text", m.text());
    n.put("taskId", m.taskId() == null ? null : m.taskId().toString());
    if (m.replyTo() == null) n.putNull("replyTo");
    else n.put("replyTo", m.replyTo());
    n.put("at", m.at() == null ? null : m.at().toString());
    n.put("editedAt", m.editedAt() == null ? null : m.editedAt().toString());
    n.put("status", m.status());
    return n;
  }
}
