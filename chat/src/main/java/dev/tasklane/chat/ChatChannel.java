package dev.tasklane.chat;

import java.util.List;

/**
 * A platform a chat runs on (web, telegram, ...). The chat service sends every answer, status
 * message and result through it, from its own threads: a channel only hands incoming messages to
 * {@link ChatService#receive} and implements these calls.
 *
 * <p>A channel whose client shows the transcript itself (the web chat, through
 * {@link ChatService#subscribe}) may implement {@code send} as "return a fresh id" and leave
 * {@code edit} a no-op.
 */
public interface ChatChannel {
  /** The channel's name, as in {@link IncomingMessage#channel()}: {@code web}, {@code telegram}. */
  String name();

  /**
   * Sends a message to the chat and returns the platform's id of it (used for later edits). Throw
   * on failure: the message is retried with backoff.
   *
   * @param replyToPlatformMessageId the platform id of the message this answers, or null
   */
  String send(String chatId, String text, String replyToPlatformMessageId) throws Exception;

  /**
   * Sends a message with its buttons. The default ignores the buttons (a client that shows the
   * transcript offers its own controls). Throw {@link DeliveryException} when the platform refused it
   * for good or asked to wait; anything else is retried with backoff.
   */
  default String send(OutgoingMessage message) throws Exception {
    return send(message.chatId(), message.text(), message.replyTo());
  }

  /** Replaces the text of a message sent earlier (the progress message of a task). */
  default void edit(String chatId, String platformMessageId, String text) throws Exception {}

  /**
   * Replaces the text and buttons of a message sent earlier. Throw {@link DeliveryException} with a
   * wait when the platform's limits allow no edit now: the chat service tries again later with the
   * newest text.
   */
  default void edit(String platformMessageId, OutgoingMessage message) throws Exception {
    edit(message.chatId(), platformMessageId, message.text());
  }

  /**
   * How a long text goes out: the parts to send in order, each at most {@code maxChars} long unless
   * the channel sends long texts another way (Telegram attaches very long ones as a file).
   */
  default List<String> parts(String text, int maxChars) {
    return MessageSplitter.split(text, maxChars);
  }

  /** Shows receipt at once (typing indicator, reaction). Called on its own thread; failures are ignored. */
  default void typing(String chatId) {}

  /**
   * The message became a task: show its id, state and place in the queue at once (a chip on the
   * message, a reaction). Called on its own thread as soon as the task is stored, while the answer
   * still waits for the yield window; failures are ignored.
   */
  default void accepted(Receipt receipt) {}
}
