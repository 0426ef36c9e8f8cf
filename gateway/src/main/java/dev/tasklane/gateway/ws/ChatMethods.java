package dev.tasklane.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.attachments.AttachmentStore;
import dev.tasklane.chat.ChatService;
import dev.tasklane.chat.IncomingMessage;
import dev.tasklane.chat.Reply;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Subscription;
import dev.tasklane.gateway.api.AttachmentParams;
import dev.tasklane.gateway.api.Json;
import dev.tasklane.gateway.api.TaskApi;
import dev.tasklane.gateway.webchat.ChatJson;
import dev.tasklane.gateway.webchat.WebChannel;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The {@code chat.*} methods: messages of the web chat go through the chat flow like any channel's.
 * A chat is {@code web:<chatId>}; without a {@code chatId} the token's name is used.
 */
public final class ChatMethods {
  static final int MAX_HISTORY = 500;
  /** ':' lets a token scoped to {@code web:alice} keep several chats ({@code web:alice:work}). */
  private static final Pattern CHAT_ID = Pattern.compile("[A-Za-z0-9._@:-]{1,128}");

  private final ChatService chat;
  private final WebChannel web;
  private final AttachmentStore attachments;

  public ChatMethods(ChatService chat, WebChannel web, AttachmentStore attachments) {
    this.chat = chat;
    this.web = web;
    this.attachments = attachments;
  }

  public void register(Map<String, WsMethod> methods) {
    methods.put("chat.send", this::send);
    methods.put("chat.history", this::history);
    methods.put("chat.subscribe", this::subscribe);
    methods.put("chat.unsubscribe", methods.get("task.unsubscribe"));
  }

  /** Stores the message and answers with what the chat flow answered at once. */
  private JsonNode send(WsRequest r) {
    String chatId = chatId(r);
    String text = r.params().requiredString("text");
    String messageId = r.params().string("messageId");
    if (messageId == null) messageId = UUID.randomUUID().toString();
    List<String> files = AttachmentParams.ids(r.params(), sessionKey(chatId), r.who().name(), attachments);
    Reply reply = chat.receive(new IncomingMessage(WebChannel.NAME, chatId, messageId, r.who().name(), text, files));
    ObjectNode n = where(chatId);
    n.set("userMessage", ChatJson.message(reply.userMessage()));
    n.set("answer", reply.answer() == null ? null : ChatJson.message(reply.answer()));
    n.put("taskId", reply.taskId() == null ? null : reply.taskId().toString());
    n.put("duplicate", reply.duplicate());
    return n;
  }

  private JsonNode history(WsRequest r) {
    String chatId = chatId(r);
    long afterId = TaskMethods.nonNegative(r.params().longValue("afterId", 0L), "afterId");
    int limit = r.params().integer("limit", 1, MAX_HISTORY, 100);
    ObjectNode n = where(chatId);
    ArrayNode list = n.putArray("messages");
    chat.transcript(sessionKey(chatId), afterId, limit).forEach(m -> list.add(ChatJson.message(m)));
    return n;
  }

  /**
   * Entries after {@code afterId} (and later edits) as {@code chat} events, plus {@code typing} and
   * {@code receipt} events.
   */
  private JsonNode subscribe(WsRequest r) {
    String chatId = chatId(r);
    long afterId = TaskMethods.nonNegative(r.params().longValue("afterId", 0L), "afterId");
    WsConnection conn = r.connection();
    String subscriptionId = conn.reserveSubscriptionId();
    HeldEvents held = new HeldEvents(conn, "chat");
    Subscription entries = chat.subscribe(sessionKey(chatId), afterId,
        m -> held.push(ChatJson.message(m).put("subscriptionId", subscriptionId)));
    AutoCloseable live = web.follow(chatId, conn::event);
    conn.addSubscription(subscriptionId, () -> {
      entries.close();
      live.close();
    });
    r.afterReply(held::release);
    return where(chatId).put("subscriptionId", subscriptionId)
        .put("maxMessageChars", chat.config().maxIncomingChars());
  }

  private static String chatId(WsRequest r) {
    String chatId = r.params().string("chatId");
    if (chatId == null) chatId = r.who().name();
    if (!CHAT_ID.matcher(chatId).matches()) {
      throw new LaneException(ErrorCode.BAD_REQUEST,
          "chatId must be 1 to 128 letters, digits or . _ @ : -");
    }
    TaskApi.checkSession(r.who(), sessionKey(chatId));
    return chatId;
  }

  private static String sessionKey(String chatId) {
    return WebChannel.NAME + ":" + chatId;
  }

  private static ObjectNode where(String chatId) {
    return Json.object().put("chatId", chatId).put("sessionKey", sessionKey(chatId));
  }
}
