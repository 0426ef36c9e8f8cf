package dev.tasklane.chat;

import java.util.List;

/**
 * A chat message arriving from any channel.
 *
 * @param channel the channel's {@link ChatChannel#name()} ({@code web}, {@code telegram})
 * @param chatId the conversation on that platform
 * @param messageId the platform's id of this message: a message seen twice with the same id (in
 *     the same chat) is answered once
 * @param sender who wrote it (platform user id or name), may be null
 * @param text what they wrote
 * @param attachments ids of files stored with the message's session (see
 *     {@link dev.tasklane.attachments.AttachmentStore}); they go with the task the message starts
 */
public record IncomingMessage(String channel, String chatId, String messageId, String sender, String text,
    List<String> attachments) {
  public IncomingMessage {
    attachments = attachments == null ? List.of() : List.copyOf(attachments);
  }

  /** A message without attachments. */
  public IncomingMessage(String channel, String chatId, String messageId, String sender, String text) {
    this(channel, chatId, messageId, sender, text, List.of());
  }

  /** The conversation this message belongs to: {@code channel + ":" + chatId}. */
  public String sessionKey() {
    return channel + ":" + chatId;
  }
}
