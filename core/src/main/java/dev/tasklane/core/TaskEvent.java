package dev.tasklane.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A persisted event about one task.
 *
 * @param id global, growing id: a stream cursor across tasks ({@code Last-Event-ID})
 * @param seq per-task sequence number: 1, 2, 3… with no gaps
 * @param state the task's state after this event
 * @param output lines of output for {@link EventType#OUTPUT}, else null
 */
public record TaskEvent(
    long id,
    TaskId taskId,
    String sessionKey,
    long seq,
    EventType type,
    TaskState state,
    Instant at,
    Progress progress,
    JsonNode result,
    TaskError error,
    String output) {}
