package dev.tasklane.telegram;

/**
 * Where a conversation lives on Telegram: a chat, and a forum topic in it. Its text form is the chat
 * id the chat service knows, so sessions are {@code telegram:<chatId>} and
 * {@code telegram:<chatId>:<threadId>}.
 *
 * @param threadId the forum topic, or null for the chat itself
 */
record ChatKey(long chatId, Integer threadId) {
  static ChatKey parse(String text) {
    int colon = text.indexOf(':');
    if (colon < 0) return new ChatKey(Long.parseLong(text), null);
    return new ChatKey(Long.parseLong(text.substring(0, colon)), Integer.parseInt(text.substring(colon + 1)));
  }

  String chat() {
    return Long.toString(chatId);
  }

  @Override
  public String toString() {
    return threadId == null ? chat() : chatId + ":" + threadId;
  }
}
