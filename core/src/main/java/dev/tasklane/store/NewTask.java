package dev.tasklane.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.core.BusyPolicy;
import dev.tasklane.core.Origin;
import dev.tasklane.core.TaskId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A validated submit with every default applied, ready to insert. */
public record NewTask(
    String sessionKey,
    String kind,
    JsonNode input,
    int priority,
    int maxAttempts,
    Instant notBefore,
    Instant expiresAt,
    Duration deadline,
    String idempotencyKey,
    TaskId parentId,
    List<TaskId> dependsOn,
    Origin origin,
    BusyPolicy busyPolicy) {}
