package dev.tasklane.app;

import dev.tasklane.agents.llm.ConversationSource;
import dev.tasklane.agents.llm.Turn;
import dev.tasklane.chat.ChatMessage;
import dev.tasklane.chat.ChatService;
import java.util.ArrayDeque;
import java.util.Deque;
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
    // The transcript reads forward from an id; keep the last `max` entries of the walk.
    Deque<Turn> last = new ArrayDeque<>(max);
    long after = 0;
    while (true) {
      List<ChatMessage> page = c.transcript(sessionKey, after, PAGE);
      for (ChatMessage m : page) {
        if (m.status()) continue;
        if (last.size() == max) last.removeFirst();
        last.addLast(m.role() == ChatMessage.Role.USER ? Turn.user(m.text()) : Turn.assistant(m.text()));
      }
      if (page.size() < PAGE) return List.copyOf(last);
      after = page.getLast().id();
    }
  }
}
