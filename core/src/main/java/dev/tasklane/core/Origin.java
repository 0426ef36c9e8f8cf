package dev.tasklane.core;

/**
 * Where a task came from, and so where its result goes: the channel (e.g. {@code telegram},
 * {@code web}), the chat, the message that asked for it, and who sent it. Any part may be null.
 */
public record Origin(String channel, String chatId, String messageId, String sender) {
  public static final Origin NONE = new Origin(null, null, null, null);
}
