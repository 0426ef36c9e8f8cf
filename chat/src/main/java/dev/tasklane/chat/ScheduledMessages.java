package dev.tasklane.chat;

import dev.tasklane.chat.schedule.Schedules;
import java.util.function.Function;

/**
 * How an occurrence of a schedule enters the chat flow: as the message of whoever scheduled it,
 * received as if they sent it now (so with the grants they have now), under a message id made of
 * schedule and occurrence, so it is answered once however often it is sent.
 */
final class ScheduledMessages implements Schedules.Sender {
  private final Function<IncomingMessage, Reply> receive;

  ScheduledMessages(Function<IncomingMessage, Reply> receive) {
    this.receive = receive;
  }

  @Override
  public Schedules.Sent send(Schedules.Occurrence o) {
    var s = o.schedule();
    Reply r = receive.apply(new IncomingMessage(s.channel(), s.chatId(), o.messageId(), s.sender(), s.text()));
    boolean answered = r.answer() != null || r.taskId() != null;
    return new Schedules.Sent(answered, r.taskId() == null ? null : r.taskId().value());
  }

  /** The platform message an answer replies to: none for a scheduled message, which no platform knows. */
  static String platformReplyTo(String messageId) {
    return messageId == null || messageId.startsWith(Schedules.MESSAGE_ID_PREFIX) ? null : messageId;
  }
}
