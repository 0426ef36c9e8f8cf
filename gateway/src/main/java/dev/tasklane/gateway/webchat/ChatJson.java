package dev.tasklane.gateway.webchat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.chat.ChatMessage;
import dev.tasklane.chat.Receipt;
import dev.tasklane.gateway.api.Json;
import java.util.Locale;

/** The wire shapes of the web chat's events: transcript entries and receipts (docs/PROTOCOL.md). */
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
    // Answers and results are Markdown more often than not; status lines are plain.
    if (m.role() == ChatMessage.Role.ASSISTANT && !m.status()) n.put("html", Markdown.toHtml(m.text()));
    return n;
  }

  /** The {@code receipt} event: the message became a task. */
  public static ObjectNode receipt(Receipt r) {
    ObjectNode n = Json.object();
    n.put("chatId", r.chatId());
    n.put("messageId", r.messageId());
    n.put("entryId", r.entryId());
    n.put("taskId", r.taskId().toString());
    n.put("state", r.state().wire());
    n.put("position", r.position());
    return n;
  }
}
