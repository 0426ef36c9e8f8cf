package dev.tasklane.chat;

import dev.tasklane.core.TaskId;

/**
 * What {@link ChatService#receive} answered at once.
 *
 * @param userMessage the transcript entry of the received message
 * @param answer the answer (a command's reply, a quick task's result, or the acknowledgement of a
 *     longer task, which is also its status message), or null if there is none yet
 * @param taskId the task the message started, or null
 * @param duplicate true when the message had been received before: this is the earlier reply and
 *     nothing changed
 */
public record Reply(ChatMessage userMessage, ChatMessage answer, TaskId taskId, boolean duplicate) {}
