package dev.tasklane.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A request for work. Only {@code sessionKey} and {@code kind} are required; null fields take the
 * lane's defaults ({@link LaneConfig}). Build one with {@link #builder(String, String)}.
 *
 * @param idempotencyKey the same key in the same session returns the same task; with a different
 *     kind or input it is a {@link ErrorCode#CONFLICT}
 * @param busyPolicy what to do when the session already has work; null = the lane's default
 */
public record SubmitRequest(
    String sessionKey,
    String kind,
    JsonNode input,
    Integer priority,
    Integer maxAttempts,
    Instant notBefore,
    Instant expiresAt,
    Duration deadline,
    String idempotencyKey,
    TaskId parentId,
    List<TaskId> dependsOn,
    Origin origin,
    BusyPolicy busyPolicy) {

  public SubmitRequest {
    if (input == null) input = JsonNodeFactory.instance.objectNode();
    dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    if (origin == null) origin = Origin.NONE;
  }

  public static Builder builder(String sessionKey, String kind) {
    return new Builder(sessionKey, kind);
  }

  public Builder toBuilder() {
    Builder b = new Builder(sessionKey, kind);
    b.input = input;
    b.priority = priority;
    b.maxAttempts = maxAttempts;
    b.notBefore = notBefore;
    b.expiresAt = expiresAt;
    b.deadline = deadline;
    b.idempotencyKey = idempotencyKey;
    b.parentId = parentId;
    b.dependsOn = dependsOn;
    b.origin = origin;
    b.busyPolicy = busyPolicy;
    return b;
  }

  /** Fluent builder; every setter is optional. */
  public static final class Builder {
    private final String sessionKey;
    private final String kind;
    private JsonNode input;
    private Integer priority;
    private Integer maxAttempts;
    private Instant notBefore;
    private Instant expiresAt;
    private Duration deadline;
    private String idempotencyKey;
    private TaskId parentId;
    private List<TaskId> dependsOn;
    private Origin origin;
    private BusyPolicy busyPolicy;

    private Builder(String sessionKey, String kind) {
      this.sessionKey = sessionKey;
      this.kind = kind;
    }

    public Builder input(JsonNode v) { input = v; return this; }
    public Builder priority(int v) { priority = v; return this; }
    public Builder maxAttempts(int v) { maxAttempts = v; return this; }
    public Builder notBefore(Instant v) { notBefore = v; return this; }
    public Builder expiresAt(Instant v) { expiresAt = v; return this; }
    public Builder deadline(Duration v) { deadline = v; return this; }
    public Builder idempotencyKey(String v) { idempotencyKey = v; return this; }
    public Builder parentId(TaskId v) { parentId = v; return this; }
    public Builder dependsOn(List<TaskId> v) { dependsOn = v; return this; }
    public Builder origin(Origin v) { origin = v; return this; }
    public Builder busyPolicy(BusyPolicy v) { busyPolicy = v; return this; }

    public SubmitRequest build() {
      return new SubmitRequest(sessionKey, kind, input, priority, maxAttempts, notBefore, expiresAt, deadline,
          idempotencyKey, parentId, dependsOn, origin, busyPolicy);
    }
  }
}
