package dev.tasklane.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TaskTitleTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void anAgentTaskIsTitledWithWhatTheUserAskedNotItsCommandLine() throws Exception {
    Task claude = task("exec", "{\"profile\": \"claude\", \"message\": \"Please fix the login bug\","
        + " \"command\": [\"/opt/agents/claude\", \"-p\", \"Please fix the login bug\", \"--verbose\"]}");
    assertThat(TaskTitle.of(claude)).isEqualTo("Please fix the login bug");
    assertThat(TaskTitle.of(task("llm", "{\"message\": \"summarise the logs\", \"profile\": \"assistant\"}")))
        .isEqualTo("summarise the logs");
  }

  @Test
  void commandsShowTheirShellTextAndOtherInputsTheirKind() throws Exception {
    assertThat(TaskTitle.of(task("exec", "{\"command\": [\"sh\", \"-c\", \"make  test\"]}"))).isEqualTo("make test");
    assertThat(TaskTitle.of(task("exec", "{\"shell\": \"ls -l\"}"))).isEqualTo("ls -l");
    assertThat(TaskTitle.of(task("exec", "{\"command\": [\"git\", \"log\"]}"))).isEqualTo("git log");
    assertThat(TaskTitle.of(task("llm", "{\"message\": \" \"}"))).isEqualTo("llm");
    assertThat(TaskTitle.of(task("resize", "{\"width\": 3}"))).isEqualTo("resize");
    assertThat(TaskTitle.of(task("echo", "{\"text\": \"" + "y".repeat(300) + "\"}")))
        .hasSize(TaskTitle.MAX_CHARS).endsWith("…");
  }

  private static Task task(String kind, String input) throws Exception {
    return new Task(TaskId.of(1), "web:a", kind, JSON.readTree(input), TaskState.QUEUED, 5, 0, 3, Instant.now(),
        Instant.now(), null, null, null, Duration.ofMinutes(1), null, null, null, null, null, null, null, null, null,
        true, 0);
  }
}
