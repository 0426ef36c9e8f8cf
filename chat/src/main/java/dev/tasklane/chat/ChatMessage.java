package dev.tasklane.chat;

import dev.tasklane.core.TaskId;
import java.time.Instant;

/**
 * One entry of a session's transcript: a user message, a reply, or the status message of a task
 * (edited in place while the task runs).
 *
 * @param id growing transcript id, a cursor for {@link ChatService#transcript} and
 *     {@link ChatService#subscribe}
 * @param taskId the task this entry is about, or null
 * @param replyTo transcript id of the user message this entry answers, or null
 * @param editedAt when the text last changed, or null if never
 * @param status true for the per-task progress message
 */
public record ChatMessage(
    long id,
    String sessionKey,
    Role role,
    String text,
    TaskId taskId,
    Long replyTo,
    Instant at,
    Instant editedAt,
    boolean status) {

  /** Who wrote an entry. */
  public enum Role {
    USER,
    ASSISTANT
  }
}
