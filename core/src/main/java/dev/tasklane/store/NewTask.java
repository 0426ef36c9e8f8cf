package dev.tasklane.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.core.BusyPolicy;
import dev.tasklane.core.Origin;
import dev.tasklane.core.TaskId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated submit with every default applied, ready to insert.
 *
 * @param inputJson the input as stored, serialized by the caller so the writer thread does not
 * @param inputHash a hash of kind and input, compared when an idempotency key is reused; null
 *     without a key (then nothing needs it)
 */
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
    BusyPolicy busyPolicy,
    String inputJson,
    String inputHash) {

  /** Serializes (and, with an idempotency key, hashes) the input on the calling thread. */
  public NewTask(String sessionKey, String kind, JsonNode input, int priority, int maxAttempts, Instant notBefore,
      Instant expiresAt, Duration deadline, String idempotencyKey, TaskId parentId, List<TaskId> dependsOn,
      Origin origin, BusyPolicy busyPolicy) {
    this(sessionKey, kind, input, priority, maxAttempts, notBefore, expiresAt, deadline, idempotencyKey, parentId,
        dependsOn, origin, busyPolicy, Json.write(input), null);
  }

  public NewTask {
    if (inputJson == null) inputJson = Json.write(input);
    if (inputHash == null && idempotencyKey != null) inputHash = Json.hash(kind, inputJson);
  }

  /** This task depending on {@code more} tasks besides those it already names. */
  NewTask dependingAlsoOn(List<TaskId> more) {
    List<TaskId> all = new ArrayList<>(dependsOn);
    all.addAll(more);
    return new NewTask(sessionKey, kind, input, priority, maxAttempts, notBefore, expiresAt, deadline, idempotencyKey,
        parentId, List.copyOf(all), origin, busyPolicy, inputJson, inputHash);
  }
}
