package dev.tasklane.chat;

import java.util.List;

/**
 * A message the chat service asks a channel to show: its text, the message it answers, and the
 * buttons under it (a running task's status message has a Cancel button).
 *
 * @param chatId the conversation on the platform, as in {@link IncomingMessage#chatId()}
 * @param replyTo the platform id of the message this answers, or null
 * @param buttons actions offered under the message; empty for none (an edit without buttons
 *     removes those shown before)
 */
public record OutgoingMessage(String chatId, String text, String replyTo, List<Button> buttons) {
  public OutgoingMessage {
    buttons = buttons == null ? List.of() : List.copyOf(buttons);
  }

  /**
   * A button under a message. Pressing it runs {@code action}, a chat command such as
   * {@code /cancel 00KQ}, through {@link ChatService#action}.
   */
  public record Button(String label, String action) {}
}
