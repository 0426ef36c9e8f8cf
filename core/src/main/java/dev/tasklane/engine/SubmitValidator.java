package dev.tasklane.engine;

import dev.tasklane.core.BusyPolicy;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneConfig;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.TaskFailure;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.store.Json;
import dev.tasklane.store.NewTask;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;

/** Checks a submit against the lane's limits and fills in its defaults. Refusals change nothing. */
final class SubmitValidator {
  static final int MAX_KEY_CHARS = 256;
  static final int MAX_ATTEMPTS_CAP = 100;
  static final int MAX_DEPENDENCIES = 1_000;
  /** The longest an attempt may be given; a longer one is a mistake (and would overflow the clock). */
  static final Duration MAX_DEADLINE = Duration.ofDays(7);

  private final LaneConfig config;

  SubmitValidator(LaneConfig config) {
    this.config = config;
  }

  NewTask validate(SubmitRequest r, Map<String, TaskHandler> handlers, Instant now) {
    return validate(r, handlers, now, 0);
  }

  /** A fan-out's parent: it will depend on {@code children} more tasks than it names. */
  NewTask validate(SubmitRequest r, Map<String, TaskHandler> handlers, Instant now, int children) {
    text(r.sessionKey(), "sessionKey");
    text(r.kind(), "kind");
    TaskHandler handler = handlers.get(r.kind());
    if (handler == null) {
      throw bad("unknown kind '" + r.kind() + "'; this lane runs: "
          + String.join(", ", handlers.keySet().stream().sorted().toList()));
    }
    int priority = r.priority() == null ? config.defaultPriority() : r.priority();
    if (priority < LaneConfig.MIN_PRIORITY || priority > LaneConfig.MAX_PRIORITY) {
      throw bad("priority must be between 0 and 10, was " + priority);
    }
    int maxAttempts = r.maxAttempts() == null ? config.defaultMaxAttempts() : r.maxAttempts();
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_CAP) {
      throw bad("maxAttempts must be between 1 and " + MAX_ATTEMPTS_CAP + ", was " + maxAttempts);
    }
    var deadline = r.deadline() == null ? config.defaultDeadline() : r.deadline();
    if (deadline.isNegative() || deadline.isZero()) throw bad("deadline must be positive");
    if (deadline.compareTo(MAX_DEADLINE) > 0) {
      throw bad("deadline must be at most " + MAX_DEADLINE.toSeconds() + " seconds (7 days), was "
          + deadline.toSeconds());
    }
    if (r.expiresAt() != null && !r.expiresAt().isAfter(now)) throw bad("expiresAt is in the past");
    if (r.idempotencyKey() != null) text(r.idempotencyKey(), "idempotencyKey");
    if (r.dependsOn().size() + children > MAX_DEPENDENCIES) {
      throw bad("at most " + MAX_DEPENDENCIES + " dependencies" + (children > 0 ? ", the children included" : ""));
    }
    if (new HashSet<>(r.dependsOn()).size() != r.dependsOn().size()) throw bad("dependsOn names a task twice");
    String inputJson = Json.write(r.input());
    int bytes = inputJson.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > config.maxInputBytes()) {
      throw new LaneException(ErrorCode.TOO_LARGE,
          "input is " + bytes + " bytes; the limit is " + config.maxInputBytes() + " bytes");
    }
    try {
      handler.checkInput(r.input());
    } catch (TaskFailure f) {
      throw bad("the " + r.kind() + " input is wrong: " + f.getMessage());
    }
    Instant notBefore = r.notBefore() == null || r.notBefore().isBefore(now) ? now : r.notBefore();
    BusyPolicy policy = r.busyPolicy() == null ? config.defaultBusyPolicy() : r.busyPolicy();
    return new NewTask(r.sessionKey(), r.kind(), r.input(), priority, maxAttempts, notBefore, r.expiresAt(), deadline,
        r.idempotencyKey(), r.parentId(), r.dependsOn(), r.origin(), policy, inputJson, null);
  }

  private static void text(String value, String name) {
    if (value == null || value.isBlank()) throw bad(name + " is required");
    if (value.length() > MAX_KEY_CHARS) throw bad(name + " is longer than " + MAX_KEY_CHARS + " characters");
  }

  private static LaneException bad(String message) {
    return new LaneException(ErrorCode.BAD_REQUEST, message);
  }
}
