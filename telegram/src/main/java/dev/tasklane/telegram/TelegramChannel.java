package dev.tasklane.telegram;

import dev.tasklane.chat.ChatChannel;
import dev.tasklane.chat.DeliveryException;
import dev.tasklane.chat.OutgoingMessage;
import dev.tasklane.chat.OutgoingMessage.Button;
import dev.tasklane.telegram.BotApi.Cost;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.ActionType;
import org.telegram.telegrambots.meta.api.methods.AnswerCallbackQuery;
import org.telegram.telegrambots.meta.api.methods.reactions.SetMessageReaction;
import org.telegram.telegrambots.meta.api.methods.send.SendChatAction;
import org.telegram.telegrambots.meta.api.methods.send.SendDocument;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.ReplyParameters;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.reactions.ReactionTypeEmoji;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * The {@code telegram} chat channel: what the chat service sends becomes Bot API calls. Markdown is
 * shown formatted: texts go with entities ({@link TelegramMarkdown}), never a parse mode, so no
 * character of a result can fail to parse; should Telegram refuse the entities, the text goes as
 * written. A reply names the user's message with {@code allow_sending_without_reply}: if
 * that message was deleted, the reply arrives as a plain message. A text over
 * {@link TelegramConfig#documentOver()} goes as a {@code .txt} file with a short summary.
 */
final class TelegramChannel implements ChatChannel {
  private static final Logger log = LoggerFactory.getLogger(TelegramChannel.class);
  static final String NAME = "telegram";
  /** Telegram's longest caption. */
  private static final int CAPTION_CHARS = 1024;
  private static final int PREVIEW_CHARS = 600;

  private final TelegramClient client;
  private final BotApi api;
  private final RateLimits limits;
  private final TelegramConfig config;
  private final Clock clock;
  private final Map<String, Instant> lastTyping = new ConcurrentHashMap<>();

  TelegramChannel(TelegramClient client, BotApi api, RateLimits limits, TelegramConfig config, Clock clock) {
    this.client = client;
    this.api = api;
    this.limits = limits;
    this.config = config;
    this.clock = clock;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String send(String chatId, String text, String replyTo) throws Exception {
    return send(new OutgoingMessage(chatId, text, replyTo, List.of()));
  }

  @Override
  public String send(OutgoingMessage m) throws Exception {
    ChatKey to = ChatKey.parse(m.chatId());
    if (m.text().length() > config.documentOver()) return sendDocument(to, m);
    TelegramMarkdown.Formatted f = TelegramMarkdown.render(m.text());
    if (f.text().isEmpty() || f.text().length() > TelegramConfig.MESSAGE_CHARS) f = asWritten(m);
    try {
      return sendMessage(to, m, f);
    } catch (DeliveryException e) {
      if (f.entities().isEmpty() || !e.permanent() || !e.getMessage().contains("entit")) throw e;
      // Telegram refused the formatting: the words matter more, so they go as written.
      log.warn("Telegram refused the formatting of a message ({}); sending it as plain text", e.getMessage());
      return sendMessage(to, m, asWritten(m));
    }
  }

  private static TelegramMarkdown.Formatted asWritten(OutgoingMessage m) {
    return new TelegramMarkdown.Formatted(m.text(), List.of());
  }

  private String sendMessage(ChatKey to, OutgoingMessage m, TelegramMarkdown.Formatted f) throws Exception {
    SendMessage send = SendMessage.builder().chatId(to.chat()).messageThreadId(to.threadId()).text(f.text())
        .entities(f.entities().isEmpty() ? null : f.entities())
        .replyParameters(replyTo(m.replyTo())).replyMarkup(keyboard(m.buttons())).build();
    Message sent = api.call("sendMessage", Cost.MESSAGE, () -> client.execute(send));
    return sent.getMessageId().toString();
  }

  private String sendDocument(ChatKey to, OutgoingMessage m) throws Exception {
    byte[] bytes = m.text().getBytes(StandardCharsets.UTF_8);
    Message sent = api.call("sendDocument", Cost.MESSAGE, () -> client.execute(SendDocument.builder()
        .chatId(to.chat()).messageThreadId(to.threadId())
        .document(new InputFile(new ByteArrayInputStream(bytes), "answer.txt")) // fresh per try: a stream reads once
        .caption(summary(m.text())).replyParameters(replyTo(m.replyTo())).replyMarkup(keyboard(m.buttons()))
        .build()));
    return sent.getMessageId().toString();
  }

  /** The caption of a long text sent as a file: its size and its first lines. */
  static String summary(String text) {
    long lines = text.lines().count();
    String head = "The answer is long (" + text.length() + " characters, " + lines + " lines), so it is in the"
        + " attached file. It begins:\n\n";
    String preview = text.substring(0, Math.min(text.length(), PREVIEW_CHARS));
    int lineEnd = preview.lastIndexOf('\n');
    if (lineEnd > PREVIEW_CHARS / 2) preview = preview.substring(0, lineEnd);
    if (Character.isHighSurrogate(preview.charAt(preview.length() - 1))) {
      preview = preview.substring(0, preview.length() - 1);
    }
    String caption = head + preview.strip() + " …";
    return caption.length() <= CAPTION_CHARS ? caption : caption.substring(0, CAPTION_CHARS);
  }

  @Override
  public void edit(String chatId, String platformMessageId, String text) throws Exception {
    edit(platformMessageId, new OutgoingMessage(chatId, text, null, List.of()));
  }

  /**
   * Edits within the chat's edit budget: when it is spent, nothing is sent and the chat service is
   * told when to try again (with the newest text then). An edit that changes nothing counts as done.
   */
  @Override
  public void edit(String platformMessageId, OutgoingMessage m) throws Exception {
    ChatKey to = ChatKey.parse(m.chatId());
    RateLimits.EditClaim claim = limits.claimEdit(to.chat());
    if (claim.slot() == null) {
      throw DeliveryException.retryAfter(claim.retryAfter(), "the edits allowed in chat " + to.chat() + " are spent");
    }
    EditMessageText edit = EditMessageText.builder().chatId(to.chat()).messageId(Integer.valueOf(platformMessageId))
        .text(m.text()).replyMarkup(keyboard(m.buttons())).build();
    try {
      api.call("editMessageText", Cost.MESSAGE, () -> client.execute(edit));
    } catch (DeliveryException e) {
      if (e.permanent() && e.getMessage().contains("message is not modified")) return;
      throw e;
    } finally {
      claim.slot().answered();
    }
  }

  /**
   * Long texts go as one file rather than in parts; parts leave room for a code block cut between
   * two of them to be closed and opened again ({@link TelegramMarkdown#closeFences}).
   */
  @Override
  public List<String> parts(String text, int maxChars) {
    if (text.length() > config.documentOver() || text.length() <= maxChars) return List.of(text);
    int room = Math.max(2, maxChars - TelegramMarkdown.FENCE_ROOM);
    return TelegramMarkdown.closeFences(ChatChannel.super.parts(text, room));
  }

  /** Shows "typing…" (Telegram shows it for 5 s), at most once per half renewal interval per chat. */
  @Override
  public void typing(String chatId) {
    Instant now = clock.instant();
    Instant last = lastTyping.get(chatId);
    if (last != null && now.isBefore(last.plus(config.timing().typingEvery().dividedBy(2)))) return;
    lastTyping.put(chatId, now);
    ChatKey to = ChatKey.parse(chatId);
    SendChatAction action = SendChatAction.builder().chatId(to.chat()).messageThreadId(to.threadId())
        .action(ActionType.TYPING.toString()).build();
    bestEffort("sendChatAction", () -> client.execute(action));
  }

  /** Sets the receipt reaction on a user's message. */
  void react(ChatKey chat, int messageId) {
    SetMessageReaction reaction = SetMessageReaction.builder().chatId(chat.chat()).messageId(messageId)
        .reactionTypes(List.of(new ReactionTypeEmoji(config.receiptReaction())))
        .build();
    bestEffort("setMessageReaction", () -> client.execute(reaction));
  }

  /** Answers a pressed button with a short notice (Telegram shows it at the top of the chat). */
  void answerPress(String callbackId, String text) {
    String notice = text.length() <= 200 ? text : text.substring(0, 199) + "…";
    AnswerCallbackQuery answer = AnswerCallbackQuery.builder().callbackQueryId(callbackId).text(notice).build();
    bestEffort("answerCallbackQuery", () -> client.execute(answer));
  }

  /** Indicators and answers are worth one try: a failure is logged, not retried. */
  private void bestEffort(String method, BotApi.Request<?> request) {
    try {
      api.call(method, Cost.CALL, request);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.debug("{} failed: {}", method, e.getMessage());
    }
  }

  private static ReplyParameters replyTo(String platformMessageId) {
    if (platformMessageId == null) return null;
    try {
      return ReplyParameters.builder().messageId(Integer.valueOf(platformMessageId)).allowSendingWithoutReply(true)
          .build();
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static InlineKeyboardMarkup keyboard(List<Button> buttons) {
    if (buttons.isEmpty()) return null;
    InlineKeyboardRow row = new InlineKeyboardRow();
    for (Button b : buttons) row.add(InlineKeyboardButton.builder().text(b.label()).callbackData(b.action()).build());
    return InlineKeyboardMarkup.builder().keyboardRow(row).build();
  }
}
