package dev.tasklane.agents.exec;

import static dev.tasklane.agents.testing.LaneFixture.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.agents.testing.LaneFixture;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A CLI agent printing one JSON event per line, read as steps, tool calls and a final answer. */
class StreamJsonTest {
  private static final List<String> CLAUDE_RUN = List.of(
      "{\"type\":\"system\",\"subtype\":\"init\",\"model\":\"claude-sonnet\",\"tools\":[\"Bash\"]}",
      "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"I will look at the tests.\"}]}}",
      "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"Read\","
          + "\"input\":{\"file_path\":\"package.json\"}}]}}",
      "{\"type\":\"user\",\"message\":{\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\",\"content\":\"{}\"}]}}",
      "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"tool_use\",\"id\":\"t2\",\"name\":\"Bash\","
          + "\"input\":{\"command\":\"npm test\",\"description\":\"Run tests\"}}]}}",
      "not json: a warning printed by the agent",
      "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"All 12 tests pass.\\nNothing to fix.\","
          + "\"num_turns\":4}");

  @TempDir Path dir;

  @Test
  void claudeEventsBecomeStepsToolCallsAndTheFinalAnswer() {
    StreamJsonParser p = new StreamJsonParser();
    List<ProgressParser.Reading> r = CLAUDE_RUN.stream().map(p::read).toList();

    assertThat(r.get(0).status()).isEqualTo("agent started (claude-sonnet)");
    assertThat(r.get(1).step()).isEqualTo("step 1: I will look at the tests.");
    assertThat(r.get(2).step()).isEqualTo("step 2: running tool Read: package.json");
    assertThat(r.get(3)).isEqualTo(ProgressParser.Reading.NOTHING);
    assertThat(r.get(4).step()).isEqualTo("step 3: running tool Bash: npm test");
    assertThat(r.get(4).output()).isEqualTo("> Bash: npm test");
    assertThat(r.get(5).output()).isEqualTo("not json: a warning printed by the agent");
    assertThat(p.steps()).isEqualTo(3);
    assertThat(p.toolCalls()).isEqualTo(2);
    assertThat(p.finalResult()).contains("All 12 tests pass.\nNothing to fix.");
    assertThat(p.error()).isEmpty();
  }

  @Test
  void codexItemsAreReadToo() {
    StreamJsonParser p = new StreamJsonParser();
    assertThat(p.read("{\"type\":\"item.started\",\"item\":{\"type\":\"command_execution\",\"command\":\"bash -lc ls\"}}")
        .step()).isEqualTo("step 1: running command: bash -lc ls");
    assertThat(p.read("{\"type\":\"item.completed\",\"item\":{\"type\":\"agent_message\",\"text\":\"Done: 3 files.\"}}")
        .step()).isEqualTo("step 2: Done: 3 files.");
    assertThat(p.finalResult()).contains("Done: 3 files.");
    assertThat(p.toolCalls()).isEqualTo(1);
  }

  @Test
  void anErrorResultIsTheAgentsError() {
    StreamJsonParser p = new StreamJsonParser();
    p.read("{\"type\":\"result\",\"subtype\":\"error_max_turns\",\"is_error\":true}");
    assertThat(p.error()).contains("error_max_turns");
  }

  @Test
  void aStreamJsonAgentRunsAsATaskWithStepsAndItsFinalAnswerAsResult() throws Exception {
    try (LaneFixture f = new LaneFixture(dir, Map.of("exec", LaneFixture.execHandler(dir, ExecOptions.defaults())))) {
      Path events = dir.resolve("events.jsonl");
      Files.write(events, CLAUDE_RUN);
      // Prints the events slowly, pausing after the Bash tool call so the test sees that step.
      Path agent = f.script("agent.sh", "while IFS= read -r line; do printf '%s\\n' \"$line\"; "
          + "case \"$line\" in *npm*) sleep 1.5;; *) sleep 0.05;; esac; done < " + events);
      TaskId id = f.submit("exec", command("sh", agent.toString()).put("format", "stream-json"));

      await().atMost(Duration.ofSeconds(10))
          .until(() -> "step 3: running tool Bash: npm test".equals(f.lane().require(id).progress().message()));

      Task t = f.awaitEnd(id, Duration.ofSeconds(10));
      assertThat(t.state()).isEqualTo(TaskState.COMPLETED);
      assertThat(t.result().get("output").asText()).isEqualTo("All 12 tests pass.\nNothing to fix.");
      assertThat(t.result().get("steps").asInt()).isEqualTo(3);
      assertThat(t.result().get("toolCalls").asInt()).isEqualTo(2);
      assertThat(f.output(id)).contains("I will look at the tests.\n> Read: package.json\n> Bash: npm test\n");
    }
  }
}
