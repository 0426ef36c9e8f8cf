package dev.tasklane.chat;

import dev.tasklane.core.Submitted;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskState;
import dev.tasklane.engine.Lane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands a channel the receipt of a message that became a task, at once and off the message's thread. */
final class Receipts {
  private static final Logger log = LoggerFactory.getLogger(Receipts.class);

  private Receipts() {}

  /** On a thread of its own: counting the task's place is a read, and the channel may be slow. */
  static void show(Lane lane, ChatChannel channel, IncomingMessage m, long userEntry, Submitted submitted) {
    if (channel == null) return;
    Thread.ofVirtual().name("tasklane-chat-receipt").start(() -> {
      try {
        long position = submitted.position();
        Task task = submitted.task();
        // Not queued any more: a worker took it before its place was counted; say what it is doing.
        if (position < 0 && task.state() == TaskState.QUEUED) task = lane.get(task.id()).orElse(task);
        channel.accepted(new Receipt(m.chatId(), m.messageId(), userEntry, task.id(), task.state(), position));
      } catch (RuntimeException e) {
        log.debug("receipt for {} failed", m.sessionKey(), e);
      }
    });
  }
}
