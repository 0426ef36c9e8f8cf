package dev.tasklane.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The messages of the test Bot API server's chats, as Telegram would keep them. */
public final class FakeChats {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A message in a chat, by a user or by the bot, with every text it had. */
  public static final class Msg {
    public final long chatId;
    public final int id;
    public final Integer threadId;
    public final boolean fromBot;
    public final Long userId;
    public final Integer replyTo;
    public final List<String> texts = new ArrayList<>();
    public final List<Long> editedAtNanos = new ArrayList<>();
    public JsonNode markup;
    /** The entities that format its text as sent (an empty array when there are none). */
    public JsonNode entities;
    public String documentName;
    public String documentContent;
    public boolean deleted;

    Msg(long chatId, int id, Integer threadId, boolean fromBot, Long userId, Integer replyTo, String text) {
      this.chatId = chatId;
      this.id = id;
      this.threadId = threadId;
      this.fromBot = fromBot;
      this.userId = userId;
      this.replyTo = replyTo;
      texts.add(text);
    }

    public synchronized String text() {
      return texts.getLast();
    }

    public synchronized int edits() {
      return texts.size() - 1;
    }

    /** The labels of the inline buttons shown under it now. */
    public synchronized List<String> buttons() {
      List<String> out = new ArrayList<>();
      if (markup != null) markup.path("inline_keyboard").forEach(row -> row.forEach(b -> out.add(b.path("text").asText())));
      return out;
    }

    /** The callback data of its first button, or null. */
    public synchronized String firstButtonData() {
      JsonNode b = markup == null ? null : markup.path("inline_keyboard").path(0).path(0);
      return b == null || b.isMissingNode() ? null : b.path("callback_data").asText();
    }

    ObjectNode json(String chatType, long botId) {
      ObjectNode m = JSON.createObjectNode();
      m.put("message_id", id);
      m.put("date", Instant.now().getEpochSecond());
      ObjectNode chat = m.putObject("chat");
      chat.put("id", chatId);
      chat.put("type", chatType);
      if (!chatType.equals("private")) chat.put("title", "Group " + chatId);
      ObjectNode from = m.putObject("from");
      from.put("id", fromBot ? botId : userId);
      from.put("is_bot", fromBot);
      from.put("first_name", fromBot ? "Tasklane" : "User " + userId);
      if (fromBot) from.put("username", FakeBotApi.BOT_USERNAME);
      if (threadId != null) {
        m.put("message_thread_id", threadId);
        m.put("is_topic_message", true);
      }
      if (documentName != null) {
        m.putObject("document").put("file_name", documentName).put("file_id", "f" + id)
            .put("file_unique_id", "u" + id).put("file_size", documentContent.length());
        m.put("caption", text());
      } else {
        m.put("text", text());
      }
      if (markup != null) m.set("reply_markup", markup);
      return m;
    }
  }

  private final Map<Long, List<Msg>> chats = new ConcurrentHashMap<>();
  private final Map<Long, String> types = new ConcurrentHashMap<>();

  synchronized Msg add(long chatId, Integer threadId, boolean fromBot, Long userId, Integer replyTo, String text) {
    List<Msg> list = chats.computeIfAbsent(chatId, k -> new ArrayList<>());
    Msg m = new Msg(chatId, list.size() + 1, threadId, fromBot, userId, replyTo, text);
    list.add(m);
    return m;
  }

  synchronized Msg find(long chatId, int messageId) {
    List<Msg> list = chats.getOrDefault(chatId, List.of());
    return messageId >= 1 && messageId <= list.size() && !list.get(messageId - 1).deleted ? list.get(messageId - 1) : null;
  }

  void type(long chatId, String type) {
    types.put(chatId, type);
  }

  String type(long chatId) {
    return types.getOrDefault(chatId, chatId < 0 ? "supergroup" : "private");
  }

  /** Every message of a chat, oldest first. */
  public synchronized List<Msg> all(long chatId) {
    return List.copyOf(chats.getOrDefault(chatId, List.of()));
  }

  /** The bot's messages in a chat, oldest first. */
  public synchronized List<Msg> fromBot(long chatId) {
    return all(chatId).stream().filter(m -> m.fromBot).toList();
  }
}
