package dev.tasklane.app;

import dev.tasklane.agents.llm.ConversationSource;
import dev.tasklane.agents.llm.Turn;
import dev.tasklane.chat.ChatMessage;
import dev.tasklane.chat.ChatService;
import java.util.List;
import java.util.function.Supplier;

/**
 * The chat transcript as an agent's conversation context: user messages and replies, without the
 * per-task progress messages. The chat service exists only after the lane (whose handlers need this),
 * hence the supplier.
 */
final class TranscriptConversation implements ConversationSource {
  private static final int PAGE = 500;

  private final Supplier<ChatService> chat;

  TranscriptConversation(Supplier<ChatService> chat) {
    this.chat = chat;
  }

  @Override
  public List<Turn> recent(String sessionKey, int max) {
    ChatService c = chat.get();
    if (c == null || max <= 0) return List.of();
    // Status messages are skipped, so read more entries than turns wanted (they are at most one
    // per task, so twice as many is enough in practice), bounded by the transcript's page limit.
    List<ChatMessage> latest = c.recent(sessionKey, Math.min(max * 2, PAGE));
    List<Turn> turns = latest.stream().filter(m -> !m.status())
        .map(m -> m.role() == ChatMessage.Role.USER ? Turn.user(m.text()) : Turn.assistant(m.text())).toList();
    return turns.subList(Math.max(0, turns.size() - max), turns.size());
  }
}
