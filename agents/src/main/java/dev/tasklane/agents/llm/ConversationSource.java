package dev.tasklane.agents.llm;

import java.util.List;

/**
 * Where the model's context comes from: a session's latest transcript entries, oldest first. The
 * application adapts the chat transcript to it (user messages and replies, without progress
 * messages); the message being answered may be the last entry.
 */
@FunctionalInterface
public interface ConversationSource {
  List<Turn> recent(String sessionKey, int max);

  /** No context beyond the message itself. */
  ConversationSource NONE = (sessionKey, max) -> List.of();
}
