package dev.tasklane.app;

import dev.tasklane.agents.Agents;
import dev.tasklane.agents.llm.ConversationSource;
import dev.tasklane.attachments.AttachmentStore;
import dev.tasklane.engine.Lane;

/**
 * The one place the server's task kinds are wired: every handler the {@code serve} command runs
 * ({@code exec}, {@code llm}) comes from the agents module and is registered here.
 */
final class Handlers {
  private Handlers() {}

  static Lane.Builder register(Lane.Builder lane, Agents agents, ConversationSource conversation,
      AttachmentStore attachments) {
    agents.handlers(conversation, attachments).forEach(lane::handler);
    return lane;
  }
}
