package dev.tasklane.chat;

import dev.tasklane.core.Lane;
import dev.tasklane.core.Subscription;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * The chat flow shared by every channel (DESIGN §6): dedupe and store an incoming message, answer
 * commands from the ledger, turn other text into a task, answer within the yield window with the
 * result or an acknowledgement, keep one status message per task up to date, and deliver the result
 * exactly once through an outbox in the database.
 *
 * <pre>{@code
 * ChatService chat = new ChatService(lane, ChatConfig.defaults(), Clock.systemUTC());
 * chat.addChannel(telegram);
 * chat.setAgentRouter((session, text) -> Optional.of(SubmitRequest.builder(session, "llm").input(...)));
 * chat.start();
 * Reply r = chat.receive(new IncomingMessage("telegram", "12345", "981", "alice", "summarise the logs"));
 * }</pre>
 */
public final class ChatService implements AutoCloseable {

  /** Migrates the chat tables into the lane's database. */
  public ChatService(Lane lane, ChatConfig config, Clock clock) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Registers a platform; messages for it are sent through it. */
  public void addChannel(ChatChannel channel) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Sets the router that turns free text into a task; without one, free text gets a how-to reply. */
  public void setAgentRouter(AgentRouter router) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Adds a slash command, e.g. {@code "/agent"}; the built-in commands cannot be replaced. */
  public void addCommand(String name, ChatCommand command) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Dedupes by (chat, message id), stores the message in the transcript, answers a command or
   * starts a task, and waits at most the yield window for that task. Sending the answer to the
   * platform happens in the background, through the outbox.
   *
   * @throws dev.tasklane.core.LaneException {@code bad_request} for a message without channel, chat
   *     or message id, {@code too_large} for a text over {@link ChatConfig#maxIncomingChars}
   */
  public Reply receive(IncomingMessage message) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Entries of a session with an id above {@code afterId}, oldest first, at most {@code limit}. */
  public List<ChatMessage> transcript(String sessionKey, long afterId, int limit) {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * New and edited entries of a session, live: first the stored entries after {@code afterId} (and
   * the latest edited status messages before it), then every new entry and edit as it happens.
   */
  public Subscription subscribe(String sessionKey, long afterId, Consumer<ChatMessage> listener) {
    throw new UnsupportedOperationException("not yet");
  }

  /** Starts following the lane's events, the status messages and the delivery of pending messages. */
  public void start() {
    throw new UnsupportedOperationException("not yet");
  }

  /** Stops the background work; the lane stays open. Pending deliveries wait for the next start. */
  @Override
  public void close() {
    throw new UnsupportedOperationException("not yet");
  }
}
