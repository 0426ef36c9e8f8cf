package dev.tasklane.telegram;

import java.util.Locale;
import org.telegram.telegrambots.meta.api.objects.CallbackQuery;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.message.MaybeInaccessibleMessage;
import org.telegram.telegrambots.meta.api.objects.message.Message;

/**
 * What an update from Telegram asks of the bot: a text for the chat flow, a button pressed, or
 * nothing. In private chats every text is for the bot; in groups only commands, messages that
 * mention the bot, and replies to the bot's own messages are (the rest of the group's talk is not
 * the bot's business).
 */
sealed interface Inbound {
  long updateId();

  /** The chat it came from, or null for updates without one. */
  ChatKey chat();

  /**
   * A text for the chat flow.
   *
   * @param text what the user wrote, without the mention of the bot that addressed it
   */
  record Text(long updateId, ChatKey chat, int messageId, Long userId, String text) implements Inbound {}

  /** An inline button pressed under one of the bot's messages. */
  record Press(long updateId, ChatKey chat, String callbackId, Long userId, String data) implements Inbound {}

  /** Nothing for the bot to do. */
  record Ignored(long updateId, ChatKey chat, String why) implements Inbound {}

  /** Classifies an update; never throws, whatever the update holds. */
  static Inbound of(Update u, BotIdentity bot) {
    long id = u.getUpdateId() == null ? 0 : u.getUpdateId();
    if (u.getCallbackQuery() != null) return press(id, u.getCallbackQuery());
    Message m = u.getMessage();
    if (m == null || m.getChat() == null || m.getChat().getId() == null || m.getMessageId() == null) {
      return new Ignored(id, null, "not a message");
    }
    ChatKey chat = new ChatKey(m.getChat().getId(), m.isTopicMessage() ? m.getMessageThreadId() : null);
    String text = m.getText() != null ? m.getText() : m.getCaption();
    if (text == null || text.isBlank()) return new Ignored(id, chat, "no text");
    Long user = m.getFrom() == null ? null : m.getFrom().getId();
    if (m.getFrom() != null && Boolean.TRUE.equals(m.getFrom().getIsBot())) return new Ignored(id, chat, "from a bot");
    String type = m.getChat().getType() == null ? "" : m.getChat().getType();
    if (type.equals("private")) return new Text(id, chat, m.getMessageId(), user, text);
    if (!type.equals("group") && !type.equals("supergroup")) return new Ignored(id, chat, "a " + type + " post");
    return addressed(id, chat, m, user, text, bot);
  }

  private static Inbound addressed(long id, ChatKey chat, Message m, Long user, String text, BotIdentity bot) {
    String mention = bot.username() == null ? null : "@" + bot.username().toLowerCase(Locale.ROOT);
    String stripped = text.strip();
    if (stripped.startsWith("/")) {
      String first = stripped.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
      int at = first.indexOf('@');
      if (at > 0 && !first.substring(at).equals(mention)) return new Ignored(id, chat, "a command for another bot");
      return new Text(id, chat, m.getMessageId(), user, text);
    }
    if (mention != null) {
      int i = text.toLowerCase(Locale.ROOT).indexOf(mention);
      if (i >= 0) {
        String rest = (text.substring(0, i) + text.substring(i + mention.length())).strip();
        return rest.isEmpty() ? new Ignored(id, chat, "only a mention") : new Text(id, chat, m.getMessageId(), user, rest);
      }
    }
    Message repliedTo = m.getReplyToMessage();
    User author = repliedTo == null ? null : repliedTo.getFrom();
    if (author != null && author.getId() != null && author.getId() == bot.id()) {
      return new Text(id, chat, m.getMessageId(), user, text);
    }
    return new Ignored(id, chat, "group talk not addressed to the bot");
  }

  private static Inbound press(long id, CallbackQuery q) {
    MaybeInaccessibleMessage m = q.getMessage();
    Long user = q.getFrom() == null ? null : q.getFrom().getId();
    if (m == null || m.getChatId() == null || q.getId() == null) return new Ignored(id, null, "a button without a chat");
    Integer thread = m instanceof Message msg && msg.isTopicMessage() ? msg.getMessageThreadId() : null;
    return new Press(id, new ChatKey(m.getChatId(), thread), q.getId(), user, q.getData());
  }
}
