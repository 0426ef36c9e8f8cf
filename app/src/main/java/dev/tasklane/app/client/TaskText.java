package dev.tasklane.app.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Tasks as short lines for a terminal. */
final class TaskText {
  /** The server counts a queue place up to this (docs/PROTOCOL.md). */
  private static final long POSITION_CAP = 100;
  /** A title longer than this is cut, so that a line of a list stays about one terminal line. */
  static final int TITLE_CHARS = 60;

  private TaskText() {}

  /**
   * {@code 00KQ   running   web:alice            exec      make test  42%  compiling}: the task's
   * title (what was asked for), and a running task's progress. A task that is not running shows no
   * progress: its last message ({@code starting sh -c make test}, a line of output) is not news.
   */
  static String line(JsonNode t) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-6s %-9s %-20s %-8s  %s", t.path("id").asText(), t.path("state").asText(),
        t.path("sessionKey").asText(), t.path("kind").asText(), cut(t.path("title").asText())));
    if (!t.path("state").asText().equals("running")) return sb.toString().stripTrailing();
    JsonNode p = t.path("progress");
    if (p.path("fraction").isNumber()) sb.append(String.format(" %3.0f%%", p.path("fraction").asDouble() * 100));
    if (p.hasNonNull("message")) sb.append("  ").append(p.get("message").asText());
    return sb.toString().stripTrailing();
  }

  private static String cut(String title) {
    String one = title.replaceAll("\\s+", " ").strip();
    return one.length() <= TITLE_CHARS ? one : one.substring(0, TITLE_CHARS - 1) + "…";
  }

  /**
   * The answer to a submit: {@code task 00KQ queued, 2 ahead of it} (or {@code starts at} its time,
   * or {@code waits for} the tasks in {@code waitsFor}), {@code task 00KQ running} (an idle worker
   * took it at once), plus {@code , already submitted} for a repeated idempotency key.
   */
  static String submitted(JsonNode t, List<String> waitsFor) {
    String state = t.path("state").asText();
    StringBuilder sb = new StringBuilder("task ").append(t.path("id").asText()).append(' ').append(state);
    String place = place(t, waitsFor);
    if (place != null) sb.append(", ").append(place);
    if (!t.path("created").asBoolean(true)) sb.append(", already submitted");
    return sb.toString();
  }

  /**
   * Where a queued task stands: {@code waits for 00KQ} for one whose dependencies {@code waitsFor}
   * have not completed yet, else as {@link #notYet}, else its place in the queue; null for a task
   * that is not queued, or when the server did not count it.
   */
  static String place(JsonNode t, List<String> waitsFor) {
    if (!t.path("state").asText().equals("queued")) return null;
    if (!waitsFor.isEmpty()) return "waits for " + String.join(", ", waitsFor);
    String notYet = notYet(t);
    if (notYet != null) return notYet;
    long position = t.path("position").asLong(-1);
    return position >= 0 ? queuePlace(position) : null;
  }

  /**
   * Why a queued task cannot start yet: {@code waits for 2 tasks} while some of its dependencies
   * have not completed, {@code starts at 2026-01-05T09:00:00Z} while its start time is ahead
   * (submitted for later, or pausing before a retry); else null.
   */
  static String notYet(JsonNode t) {
    if (!t.path("state").asText().equals("queued")) return null;
    int waitingOn = t.path("waitingOn").asInt(0);
    if (waitingOn > 0) return "waits for " + waitingOn + (waitingOn == 1 ? " task" : " tasks");
    if (!t.hasNonNull("notBefore")) return null;
    Instant notBefore = Instant.parse(t.get("notBefore").asText());
    return notBefore.isAfter(Instant.now()) ? "starts at " + notBefore.truncatedTo(ChronoUnit.SECONDS) : null;
  }

  /** {@code next in line}, {@code 2 ahead of it}, {@code 100 or more ahead of it}. */
  static String queuePlace(long position) {
    if (position == 0) return "next in line";
    return position + (position >= POSITION_CAP ? " or more" : "") + " ahead of it";
  }

  /** Several lines: the summary, then the result or error. */
  static String details(JsonNode t) {
    return details(t, List.of());
  }

  /** The same, for a queued task that waits for the tasks {@code waitsFor}. */
  static String details(JsonNode t, List<String> waitsFor) {
    StringBuilder sb = new StringBuilder(line(t)).append('\n');
    sb.append("  attempt ").append(t.path("attempt").asInt()).append(" of ").append(t.path("maxAttempts").asInt());
    sb.append(", created ").append(t.path("createdAt").asText());
    if (t.hasNonNull("finishedAt")) sb.append(", finished ").append(t.get("finishedAt").asText());
    String place = place(t, waitsFor);
    if (place != null) sb.append(", ").append(place);
    sb.append('\n');
    if (t.hasNonNull("result")) field(sb, "result", result(t.get("result")));
    if (t.hasNonNull("error")) {
      field(sb, "error", t.at("/error/code").asText() + ": " + t.at("/error/message").asText());
    }
    return sb.toString().stripTrailing();
  }

  /**
   * {@code   result: 42} on one line; a value of several lines below its name, each line indented,
   * so that a command's output stays apart from the lines around it.
   */
  private static void field(StringBuilder sb, String name, String value) {
    String text = value.stripTrailing();
    if (!text.contains("\n")) {
      sb.append("  ").append(name).append(": ").append(text).append('\n');
      return;
    }
    sb.append("  ").append(name).append(":\n");
    text.lines().forEach(l -> sb.append("    ").append(l).append('\n'));
  }

  static String result(JsonNode r) {
    if (r.isObject() && r.has("text")) return r.get("text").asText();
    if (r.isObject() && r.has("output")) return r.get("output").asText(); // exec: the command's output
    return r.toString();
  }
}
