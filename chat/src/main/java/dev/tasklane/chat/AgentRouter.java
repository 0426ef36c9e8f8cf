package dev.tasklane.chat;

import dev.tasklane.core.SubmitRequest;
import java.util.Optional;

/**
 * Chooses the task for a free-text message (agent profiles plug in here). The chat service sets the
 * origin (where the result goes) on the returned builder. Empty means no agent is configured.
 */
@FunctionalInterface
public interface AgentRouter {
  /** The task for {@code text} in session {@code sessionKey}; build it for that same session. */
  Optional<SubmitRequest.Builder> taskFor(String sessionKey, String text);
}
