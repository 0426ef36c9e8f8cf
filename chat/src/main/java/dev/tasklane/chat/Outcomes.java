package dev.tasklane.chat;

import dev.tasklane.chat.ChatMessage.Role;
import dev.tasklane.chat.OutboxSql.Target;
import dev.tasklane.chat.TranscriptSql.InboxRow;
import dev.tasklane.chat.TranscriptSql.NewEntry;
import dev.tasklane.core.Origin;
import dev.tasklane.core.Task;
import dev.tasklane.store.Tx;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns a finished task into its reply: a transcript entry answering the user's message, an outbox
 * row that sends it (unique per task, so it is recorded and sent once), and the final text of the
 * task's status message, all in the caller's transaction.
 */
final class Outcomes {
  /** The reply of a finished task, and its status message if this call closed it. */
  record Recorded(ChatMessage reply, ChatMessage closedStatus) {}

  private final Transcript transcript;
  private final Clock clock;

  Outcomes(Transcript transcript, Clock clock) {
    this.transcript = transcript;
    this.clock = clock;
  }

  /** True when the task came from a chat, so its outcome goes back there. */
  static boolean fromChat(Task t) {
    return t.origin().channel() != null && t.origin().chatId() != null;
  }

  /** Another connection recorded the task's outcome after this one looked: this unit is undone. */
  static final class RecordedMeanwhile extends RuntimeException {
    RecordedMeanwhile(Task task) {
      super("the outcome of task " + task.id() + " was recorded meanwhile", null, false, false);
    }
  }

  /**
   * Records the reply of a finished task from a chat, or returns the one recorded earlier. Empty for
   * a task that did not come from a chat.
   */
  Optional<Recorded> record(Tx tx, Task task) throws SQLException {
    if (!task.isTerminal()) throw new IllegalArgumentException("task " + task.id() + " has not finished");
    if (!fromChat(task)) return Optional.empty();
    Connection c = tx.connection();
    Optional<Long> earlier = OutboxSql.outcomeEntry(c, task.id());
    if (earlier.isPresent()) return Optional.of(new Recorded(TranscriptSql.find(c, earlier.get()).orElseThrow(), null));
    Origin o = task.origin();
    Instant now = clock.instant();
    Long replyTo = o.messageId() == null ? null
        : TranscriptSql.inbox(c, o.channel() + ":" + o.chatId(), o.messageId()).map(InboxRow::userEntry).orElse(null);
    ChatMessage reply = transcript.append(tx, new NewEntry(task.sessionKey(), Role.ASSISTANT, TaskTexts.outcome(task),
        task.id(), replyTo, now, false, o.channel(), o.chatId(), null));
    Target target = new Target(o.channel(), o.chatId(), ScheduledMessages.platformReplyTo(o.messageId()));
    if (!OutboxSql.enqueue(c, reply.id(), target, task.id(), now)) {
      throw new RecordedMeanwhile(task);
    }
    Optional<ChatMessage> status = TranscriptSql.statusOf(c, task.id());
    ChatMessage closed = null;
    if (status.isPresent()) closed = transcript.edit(tx, status.get().id(), TaskTexts.finalStatus(task), now, false);
    return Optional.of(new Recorded(reply, closed));
  }
}
