/**
 * The chat flow shared by every channel: {@link dev.tasklane.chat.ChatService} receives messages
 * ({@link dev.tasklane.chat.IncomingMessage}), answers commands from the ledger, turns other text
 * into tasks through an {@link dev.tasklane.chat.AgentRouter}, keeps one status message per task,
 * and delivers results exactly once through an outbox; platforms plug in as
 * {@link dev.tasklane.chat.ChatChannel}s. See docs/CHAT.md.
 */
package dev.tasklane.chat;
