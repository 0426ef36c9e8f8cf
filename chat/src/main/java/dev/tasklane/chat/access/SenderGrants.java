package dev.tasklane.chat.access;

/**
 * Finds the grants of a chat message's sender: for the web chat the sender is the token's name, for
 * Telegram the user's id. The chat flow asks for every message, so a changed role applies at once,
 * also to messages that run later (a schedule runs with the grants of who scheduled it).
 */
@FunctionalInterface
public interface SenderGrants {
  /** The grants of {@code sender} (may be null: unknown) writing in {@code channel}. */
  Grants of(String channel, String sender);
}
