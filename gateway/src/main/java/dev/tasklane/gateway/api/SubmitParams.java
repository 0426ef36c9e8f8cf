package dev.tasklane.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.attachments.Attachment;
import dev.tasklane.attachments.AttachmentStore;
import dev.tasklane.chat.access.DirectSubmits;
import dev.tasklane.core.BusyPolicy;
import dev.tasklane.core.Origin;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.TaskId;
import dev.tasklane.gateway.auth.AccessToken;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the params of {@code task.create} (and of each task of {@code task.fanOut}) into a submit
 * request, checking at the protocol's edge what the lane cannot: the two forms of a time (absolute
 * or relative, never both), times too far ahead, and dependencies the caller may not see; and the
 * caller's grants for the kind and for the input's {@code cwd}, {@code env}, {@code profile}
 * (docs/SECURITY.md).
 */
final class SubmitParams {
  /** The farthest ahead a task may be delayed or kept waiting: a year (and a leap day). */
  static final Duration MAX_AHEAD = Duration.ofDays(366);

  private SubmitParams() {}

  /** A request and the attachments its input names (to link to the task once it exists). */
  record Prepared(SubmitRequest request, List<Attachment> attachments) {}

  /**
   * The request the params describe, as of {@code now}.
   *
   * @param canSee whether the caller may see a task it names in {@code dependsOn}; throws
   *     {@code not_found} otherwise
   */
  static Prepared read(AccessToken who, Params p, String idempotencyKeyHeader, Instant now,
      Consumer<TaskId> canSee, AttachmentStore store) {
    String sessionKey = p.requiredString("sessionKey");
    String kind = p.requiredString("kind");
    TaskApi.checkSession(who, sessionKey);
    SubmitRequest.Builder b = SubmitRequest.builder(sessionKey, kind)
        .origin(new Origin(null, null, null, who.name())); // who asked; no chat to deliver the result to
    JsonNode input = p.json("input");
    DirectSubmits.check(who.grants(), kind, input);
    Integer priority = p.integer("priority", 0, 10, null);
    if (priority != null) b.priority(priority);
    Integer maxAttempts = p.integer("maxAttempts", 1, 100, null);
    if (maxAttempts != null) b.maxAttempts(maxAttempts);
    Long deadline = p.longValue("deadlineSeconds", null);
    if (deadline != null) {
      if (deadline < 1) throw Params.bad("deadlineSeconds must be at least 1");
      b.deadline(Duration.ofSeconds(deadline));
    }
    String busy = p.string("busyPolicy");
    if (busy != null) b.busyPolicy(BusyPolicy.fromWire(busy));
    String key = idempotencyKeyHeader != null ? idempotencyKeyHeader : p.string("idempotencyKey");
    if (key != null) b.idempotencyKey(key);
    times(p, now, b);
    List<TaskId> deps = dependsOn(p);
    deps.forEach(canSee);
    if (!deps.isEmpty()) b.dependsOn(deps);
    // Last: inline files are stored here, so everything that can be refused before is.
    if (p.has("attachments") && input != null && !input.isObject()) {
      throw Params.bad("a task with attachments needs an object input");
    }
    List<Attachment> files = AttachmentParams.read(p, sessionKey, who.name(), store);
    if (!files.isEmpty()) input = withAttachments(input, files);
    if (input != null) b.input(who.grants().stampProfiles(input));
    return new Prepared(b.build(), files);
  }

  /** The input with {@code "attachments"} naming the files; the input must be an object, or absent. */
  private static JsonNode withAttachments(JsonNode input, List<Attachment> files) {
    ObjectNode n = input == null ? Json.object() : ((ObjectNode) input).deepCopy();
    n.set(AttachmentStore.INPUT_FIELD, AttachmentStore.describe(files));
    return n;
  }

  /**
   * {@code notBefore} or {@code delaySeconds}; {@code expiresAt} or {@code ttlSeconds}, the ttl
   * counted from when the task may start. A start time in the past means now (a clock a little
   * behind the server's is no error); an expiry in the past, or before the start, could never let
   * the task run and is refused.
   */
  private static void times(Params p, Instant now, SubmitRequest.Builder b) {
    Instant notBefore = either(p, "notBefore", "delaySeconds", 0, now);
    Instant start = notBefore == null || notBefore.isBefore(now) ? now : notBefore;
    if (notBefore != null) b.notBefore(start);
    Instant expiresAt = either(p, "expiresAt", "ttlSeconds", 1, start);
    if (expiresAt == null) return;
    if (!expiresAt.isAfter(now)) throw Params.bad("expiresAt is in the past: the task could never run");
    if (!expiresAt.isAfter(start)) throw Params.bad("expiresAt is not after notBefore: the task could never run");
    b.expiresAt(expiresAt);
  }

  /** The time given as an ISO-8601 instant ({@code absolute}) or as seconds after {@code from}. */
  private static Instant either(Params p, String absolute, String seconds, long minSeconds, Instant from) {
    boolean hasAbsolute = p.has(absolute);
    if (hasAbsolute && p.has(seconds)) throw Params.bad("give " + absolute + " or " + seconds + ", not both");
    if (hasAbsolute) {
      Instant at = instant(p.string(absolute), absolute);
      if (at.isAfter(from.plus(MAX_AHEAD))) {
        throw Params.bad(absolute + " is more than " + MAX_AHEAD.toDays() + " days ahead");
      }
      return at;
    }
    Long s = p.longValue(seconds, null);
    if (s == null) return null;
    if (s < minSeconds || s > MAX_AHEAD.toSeconds()) {
      throw Params.bad(seconds + " must be between " + minSeconds + " and " + MAX_AHEAD.toSeconds()
          + " (" + MAX_AHEAD.toDays() + " days)");
    }
    return from.plusSeconds(s);
  }

  private static Instant instant(String text, String name) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw Params.bad(name + " must be an ISO-8601 time with a zone, e.g. 2026-01-05T10:00:00Z, not '" + text + "'");
    }
  }

  private static List<TaskId> dependsOn(Params p) {
    JsonNode v = p.json("dependsOn");
    if (v == null) return List.of();
    if (!v.isArray()) throw Params.bad("dependsOn must be an array of task ids");
    List<TaskId> ids = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual()) throw Params.bad("dependsOn must contain only task ids (strings)");
      ids.add(TaskId.parse(e.textValue()));
    }
    return ids;
  }
}
