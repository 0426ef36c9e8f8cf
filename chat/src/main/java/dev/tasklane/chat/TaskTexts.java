package dev.tasklane.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.core.Progress;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskError;
import dev.tasklane.core.TaskState;
import dev.tasklane.engine.Lane;
import java.time.Duration;
import java.time.Instant;

/** What the chat says about a task: acknowledgements, status lines, outcomes. */
final class TaskTexts {
  private static final int SUMMARY_CHARS = 60;
  private static final int PROGRESS_CHARS = 200;

  private TaskTexts() {}

  /** The first text of a task's status message: the acknowledgement with its place in the queue. */
  static String ack(Task t, long position) {
    String id = t.id().toString();
    String hint = " /status " + id + " to check, /cancel " + id + " to stop.";
    return switch (t.state()) {
      case QUEUED -> "On it — task " + id + ", " + queuePlace(position) + "." + hint;
      case RUNNING -> "On it — task " + id + " is running." + hint;
      default -> finalStatus(t);
    };
  }

  /**
   * The text of a task's status message while it is not finished: first the acknowledgement with its
   * place in the queue, then its progress, or a heartbeat when the handler has said nothing for
   * {@code heartbeatAfter}.
   */
  static String status(Task t, long position, Instant now, Instant lastActivity, Duration heartbeatAfter) {
    String id = t.id().toString();
    String hint = " /status " + id + " to check, /cancel " + id + " to stop.";
    return switch (t.state()) {
      case QUEUED -> t.attempt() == 0 ? "On it — task " + id + ", " + queuedPlace(t, position, now) + "." + hint
          : "Task " + id + ": attempt " + t.attempt() + " of " + t.maxAttempts() + " failed (" + error(t.error())
              + "); retrying" + (waits(t, now) ? " in " + untilStart(t, now) : ", " + queuePlace(position)) + "."
              + hint;
      case RUNNING -> {
        Instant since = lastActivity != null ? lastActivity : t.startedAt();
        Duration running = elapsed(t, now);
        if (since != null && Duration.between(since, now).compareTo(heartbeatAfter) >= 0) {
          yield sentence("Task " + id + ": still working, " + coarse(running) + progressSuffix(t.progress(), " — last: "))
              + hint;
        }
        yield sentence("Task " + id + ": running, " + coarse(running) + progressSuffix(t.progress(), " — ")) + hint;
      }
      default -> finalStatus(t);
    };
  }

  /** The last text of a finished task's status message. */
  static String finalStatus(Task t) {
    String id = t.id().toString();
    Duration took = elapsed(t, t.finishedAt() != null ? t.finishedAt() : t.createdAt());
    return switch (t.state()) {
      case COMPLETED -> "Task " + id + ": completed in " + duration(took) + ".";
      case FAILED -> "Task " + id + ": failed after " + duration(took) + " (" + code(t.error()) + ").";
      case CANCELED -> "Task " + id + ": canceled.";
      case EXPIRED -> "Task " + id + ": expired before it started.";
      default -> throw new IllegalArgumentException(t.state() + " is not final");
    };
  }

  /** The reply that delivers a finished task's outcome. */
  static String outcome(Task t) {
    String id = t.id().toString();
    return switch (t.state()) {
      case COMPLETED -> {
        String text = resultText(t.result());
        yield text == null || text.isBlank() ? "Task " + id + " completed (no output)." : text;
      }
      case FAILED -> "Task " + id + " failed: " + error(t.error()) + ". /retry " + id + " runs it again.";
      case CANCELED -> "Task " + id + " was canceled.";
      case EXPIRED -> "Task " + id + " expired before it could start: " + error(t.error()) + ". /retry " + id
          + " runs it again.";
      default -> throw new IllegalArgumentException(t.state() + " is not final");
    };
  }

  /** The answer to {@code /status <id>}. */
  static String describe(Task t, long position, Instant now) {
    String id = t.id().toString();
    StringBuilder sb = new StringBuilder("Task ").append(id).append(" (").append(summary(t)).append("): ");
    switch (t.state()) {
      case QUEUED -> sb.append("queued, ").append(queuedPlace(t, position, now));
      case RUNNING -> sb.append("running for ").append(duration(elapsed(t, now)))
          .append(progressSuffix(t.progress(), ", "));
      default -> sb.append(t.state().wire());
    }
    if (t.isTerminal() && t.startedAt() != null) sb.append(" after ").append(duration(elapsed(t, t.finishedAt())));
    if (t.error() != null && t.state() != TaskState.COMPLETED) {
      sb.append(t.isTerminal() ? ": " : "; last error: ").append(error(t.error()));
    }
    return sentence(sb.toString()) + " Attempt " + t.attempt() + " of " + t.maxAttempts() + ".";
  }

  /** One line of {@code /tasks}. */
  static String line(Task t) {
    return t.id() + "  " + t.state().wire() + "  " + summary(t);
  }

  /** What a task is about: its {@link TaskTitle}, short enough for one line of a list. */
  static String summary(Task t) {
    return TaskTitle.of(t, SUMMARY_CHARS);
  }

  /**
   * The readable text of a result: its {@code text}, {@code output} or {@code stdout} field, a plain
   * string, or else the JSON itself.
   */
  static String resultText(JsonNode result) {
    if (result == null || result.isNull() || result.isMissingNode()) return null;
    if (result.isTextual()) return result.asText();
    for (String field : new String[] {"text", "output", "stdout"}) {
      if (result.path(field).isTextual()) return result.get(field).asText();
    }
    return result.toPrettyString();
  }

  /**
   * Where a queued task stands: how many tasks it waits for, for one whose dependencies have not
   * all completed; when it starts, for one that waits for its start time (submitted for later, or
   * pausing before a retry); else its place in the queue.
   */
  static String queuedPlace(Task t, long position, Instant now) {
    if (t.waitingOn() > 0) return "waits for " + t.waitingOn() + (t.waitingOn() == 1 ? " task" : " tasks");
    return waits(t, now) ? "starts in " + untilStart(t, now) : queuePlace(position);
  }

  private static boolean waits(Task t, Instant now) {
    return t.notBefore() != null && t.notBefore().isAfter(now);
  }

  private static String untilStart(Task t, Instant now) {
    return coarse(Duration.between(now, t.notBefore()));
  }

  static String queuePlace(long position) {
    if (position <= 0) return "next in line";
    if (position >= Lane.POSITION_CAP) return position + " or more ahead of it";
    return position + " ahead of it";
  }

  /** {@code 45s}, {@code 3m 05s}, {@code 1h 05m}. */
  static String duration(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) return s + "s";
    if (s < 3600) return String.format("%dm %02ds", s / 60, s % 60);
    return String.format("%dh %02dm", s / 3600, (s % 3600) / 60);
  }

  /**
   * Elapsed time as a running task's status shows it: it changes at least every 10 s for the first
   * ten minutes (so a quiet task's message still moves), then every minute.
   */
  static String coarse(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) return s + "s";
    if (s < 600) return (s / 60) + "m " + (s % 60 / 10 * 10) + "s";
    if (s < 3600) return (s / 60) + "m";
    return duration(d);
  }

  private static Duration elapsed(Task t, Instant until) {
    Instant from = t.startedAt() != null ? t.startedAt() : t.createdAt();
    if (from == null || until == null || until.isBefore(from)) return Duration.ZERO;
    return Duration.between(from, until);
  }

  private static String progressSuffix(Progress p, String lead) {
    if (p == null) return "";
    StringBuilder sb = new StringBuilder();
    if (p.message() != null && !p.message().isBlank()) sb.append(clip(p.message().strip()));
    if (p.fraction() != null) {
      String pct = Math.round(p.fraction() * 100) + "%";
      sb.append(sb.isEmpty() ? pct : " (" + pct + ")");
    }
    return sb.isEmpty() ? "" : lead + sb;
  }

  /**
   * Ends a sentence with a period, unless it already ends with one (or "…", "!", "?"): a progress
   * message often is a sentence of its own ("I'll look at the layout.").
   */
  static String sentence(String s) {
    String t = s.stripTrailing();
    if (t.isEmpty()) return t;
    char last = t.charAt(t.length() - 1);
    return last == '.' || last == '…' || last == '!' || last == '?' ? t : t + ".";
  }

  private static String clip(String s) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() <= PROGRESS_CHARS ? one : one.substring(0, PROGRESS_CHARS - 1) + "…";
  }

  private static String code(TaskError e) {
    return e == null ? "no error code" : e.code();
  }

  private static String error(TaskError e) {
    if (e == null) return "no error was recorded";
    return e.message() == null || e.message().equals(e.code()) ? e.code() : e.code() + ": " + e.message();
  }
}
