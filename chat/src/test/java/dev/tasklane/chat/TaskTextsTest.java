package dev.tasklane.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskError;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskTextsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void durationsReadLikeAPersonWouldSayThem() {
    assertThat(TaskTexts.duration(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(TaskTexts.duration(Duration.ofSeconds(185))).isEqualTo("3m 05s");
    assertThat(TaskTexts.duration(Duration.ofMinutes(65))).isEqualTo("1h 05m");
    assertThat(TaskTexts.coarse(Duration.ofSeconds(185))).isEqualTo("3m 0s");
    assertThat(TaskTexts.coarse(Duration.ofSeconds(199))).isEqualTo("3m 10s");
    assertThat(TaskTexts.coarse(Duration.ofSeconds(599))).isEqualTo("9m 50s");
    assertThat(TaskTexts.coarse(Duration.ofSeconds(600))).isEqualTo("10m");
    assertThat(TaskTexts.coarse(Duration.ofSeconds(59))).isEqualTo("59s");
  }

  @Test
  void resultTextPrefersTheReadableField() throws Exception {
    assertThat(TaskTexts.resultText(JSON.readTree("{\"text\": \"hi\", \"output\": \"x\"}"))).isEqualTo("hi");
    assertThat(TaskTexts.resultText(JSON.readTree("{\"exitCode\": 0, \"output\": \"built\"}"))).isEqualTo("built");
    assertThat(TaskTexts.resultText(JSON.readTree("\"plain\""))).isEqualTo("plain");
    assertThat(TaskTexts.resultText(JSON.readTree("{\"n\": 1}"))).contains("\"n\" : 1");
    assertThat(TaskTexts.resultText(JSON.readTree("null"))).isNull();
  }

  @Test
  void summaryNamesWhatTheTaskIsAbout() throws Exception {
    assertThat(TaskTexts.summary(task("{\"text\": \"fix   the\\nbug\"}"))).isEqualTo("fix the bug");
    assertThat(TaskTexts.summary(task("{\"message\": \"summarise the logs\"}"))).isEqualTo("summarise the logs");
    assertThat(TaskTexts.summary(task("{\"command\": [\"sh\", \"-c\", \"make test\"]}"))).isEqualTo("make test");
    assertThat(TaskTexts.summary(task("{\"command\": [\"claude\", \"-p\", \"hi\"]}"))).isEqualTo("claude -p hi");
    assertThat(TaskTexts.summary(task("{}"))).isEqualTo("echo");
    assertThat(TaskTexts.summary(task("{\"text\": \"" + "x".repeat(100) + "\"}"))).hasSize(60).endsWith("…");
  }

  @Test
  void statusOfATaskWaitingForItsRetrySaysWhatFailed() throws Exception {
    Task t = queued(33, "{}", 1, Instant.now(), Instant.now(),
        new TaskError("rate_limited", "the model said slow down", true), List.of(), 0);
    assertThat(TaskTexts.status(t, 0, Instant.now(), null, Duration.ofSeconds(30))).isEqualTo(
        "Task 0011: attempt 1 of 3 failed (rate_limited: the model said slow down); retrying, next in line."
            + " /status 0011 to check, /cancel 0011 to stop.");
  }

  /** A task that waits for its start time says when it starts, not a place in a queue it is not in yet. */
  @Test
  void aTaskWaitingForItsStartTimeSaysWhenItStarts() throws Exception {
    Instant now = Instant.parse("2026-01-05T10:00:00Z");
    Task later = queued(34, "{\"text\": \"the report\"}", 0, now, now.plus(Duration.ofHours(2)), null, List.of(), 0);
    assertThat(TaskTexts.describe(later, 0, now)).isEqualTo("Task 0012 (the report): queued, starts in 2h 00m."
        + " Attempt 0 of 3.");
    assertThat(TaskTexts.describe(later, 0, now.plus(Duration.ofHours(2)))).contains("queued, next in line.");
    Task retry = queued(34, "{}", 1, now, now.plusSeconds(25), new TaskError("rate_limited", "slow down", true),
        List.of(), 0);
    assertThat(TaskTexts.status(retry, 0, now, null, Duration.ofSeconds(30))).isEqualTo(
        "Task 0012: attempt 1 of 3 failed (rate_limited: slow down); retrying in 25s."
            + " /status 0012 to check, /cancel 0012 to stop.");
  }

  /** A task that waits for others says how many, not a place it does not hold. */
  @Test
  void aTaskWaitingForOthersSaysHowMany() throws Exception {
    Instant now = Instant.parse("2026-01-05T10:00:00Z");
    Task waiting = queued(35, "{\"text\": \"the summary\"}", 0, now, now, null, List.of(TaskId.of(33), TaskId.of(34)),
        2);
    assertThat(TaskTexts.describe(waiting, 0, now)).isEqualTo("Task 0013 (the summary): queued, waits for 2 tasks."
        + " Attempt 0 of 3.");
    assertThat(TaskTexts.status(waiting, 0, now, null, Duration.ofSeconds(30))).startsWith(
        "On it — task 0013, waits for 2 tasks.");
  }

  @Test
  void aProgressMessageThatIsASentenceGetsNoSecondPeriod() throws Exception {
    Instant started = Instant.parse("2026-01-05T10:00:00Z");
    Task t = new Task(TaskId.of(33), "web:a", "exec", JSON.readTree("{\"message\": \"look around\"}"),
        TaskState.RUNNING, 5, 1, 3, started, started, started, null, null, Duration.ofMinutes(1), null,
        new dev.tasklane.core.Progress(null, "step 1: I'll start by looking at the repository layout.", 1, null),
        null, null, null, null, null, null, null, true, 0);
    Instant now = started.plusSeconds(5);
    assertThat(TaskTexts.status(t, -1, now, now, Duration.ofSeconds(30))).isEqualTo(
        "Task 0011: running, 5s — step 1: I'll start by looking at the repository layout. /status 0011 to check,"
            + " /cancel 0011 to stop.");
    assertThat(TaskTexts.describe(t, -1, now)).isEqualTo("Task 0011 (look around): running for 5s, step 1: I'll"
        + " start by looking at the repository layout. Attempt 1 of 3.");
    assertThat(TaskTexts.sentence("finished after 3 steps")).isEqualTo("finished after 3 steps.");
    assertThat(TaskTexts.sentence("reading the logs...")).isEqualTo("reading the logs...");
    assertThat(TaskTexts.sentence("done?")).isEqualTo("done?");
  }

  private static Task task(String input) throws Exception {
    return queued(1, input, 0, Instant.now(), Instant.now(), null, List.of(), 0);
  }

  /** A queued echo task of session {@code web:a}, with 3 attempts in all; the rest as given. */
  private static Task queued(long id, String input, int attempt, Instant created, Instant notBefore, TaskError error,
      List<TaskId> dependsOn, int waitingOn) throws Exception {
    return new Task(TaskId.of(id), "web:a", "echo", JSON.readTree(input), TaskState.QUEUED, 5, attempt, 3, created,
        notBefore, null, null, null, Duration.ofMinutes(1), null, null, null, error, null, null, dependsOn, null, null,
        true, waitingOn);
  }

  @Test
  void queuePlace() {
    assertThat(TaskTexts.queuePlace(0)).isEqualTo("next in line");
    assertThat(TaskTexts.queuePlace(2)).isEqualTo("2 ahead of it");
    assertThat(TaskTexts.queuePlace(99)).isEqualTo("99 ahead of it");
    assertThat(TaskTexts.queuePlace(100)).isEqualTo("100 or more ahead of it");
  }
}
