package dev.tasklane.chat;

import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;

/**
 * What a channel shows at once when a message became a task (a chip on the message, a reaction),
 * before the answer, which waits for the yield window.
 *
 * @param chatId the conversation on the platform
 * @param messageId the platform's id of the user's message
 * @param entryId the transcript id of the user's message
 * @param taskId the task it started
 * @param state the task's state when the receipt was made: queued or running, or already finished
 *     for a very quick task
 * @param position tasks that run before it (0 = next), -1 when it is not queued
 */
public record Receipt(String chatId, String messageId, long entryId, TaskId taskId, TaskState state, long position) {}
