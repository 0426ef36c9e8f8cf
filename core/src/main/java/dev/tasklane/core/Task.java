package dev.tasklane.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One unit of agent work, as stored.
 *
 * @param attempt number of attempts started so far (0 while never run)
 * @param deadline how long one attempt may run
 * @param lease the current claim while {@code running}, else null
 * @param result the handler's result once {@code completed}, else null
 * @param error the last error (final once {@code failed}), else null
 * @param cancelRequestedAt when a cancel was asked for a running task, else null
 * @param exclusive false when the task was submitted with {@link BusyPolicy#PARALLEL} and does not
 *     count against its session's concurrency
 * @param waitingOn how many of {@code dependsOn} have not completed yet (0 without dependencies)
 */
public record Task(
    TaskId id,
    String sessionKey,
    String kind,
    JsonNode input,
    TaskState state,
    int priority,
    int attempt,
    int maxAttempts,
    Instant createdAt,
    Instant notBefore,
    Instant startedAt,
    Instant finishedAt,
    Instant expiresAt,
    Duration deadline,
    Lease lease,
    Progress progress,
    JsonNode result,
    TaskError error,
    String idempotencyKey,
    TaskId parentId,
    List<TaskId> dependsOn,
    Origin origin,
    Instant cancelRequestedAt,
    boolean exclusive,
    int waitingOn) {

  public Task {
    dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    if (progress == null) progress = Progress.NONE;
    if (origin == null) origin = Origin.NONE;
  }

  public boolean isTerminal() {
    return state.isTerminal();
  }

  public Task withProgress(Progress p) {
    return new Task(id, sessionKey, kind, input, state, priority, attempt, maxAttempts, createdAt, notBefore,
        startedAt, finishedAt, expiresAt, deadline, lease, p, result, error, idempotencyKey, parentId, dependsOn,
        origin, cancelRequestedAt, exclusive, waitingOn);
  }
}
