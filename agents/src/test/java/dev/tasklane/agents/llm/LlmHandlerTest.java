package dev.tasklane.agents.llm;

import static dev.tasklane.agents.llm.FakeOpenAi.call;
import static dev.tasklane.agents.llm.LlmFixture.MAX;
import static dev.tasklane.agents.llm.LlmFixture.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasklane.agents.llm.FakeOpenAi.Text;
import dev.tasklane.agents.profile.LlmSettings;
import dev.tasklane.agents.testing.LaneFixture;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The llm handler's tool loop against a model server speaking the OpenAI wire format. */
class LlmHandlerTest {
  @TempDir Path dir;

  @Test
  void aPlainAnswerStreamsAsOutputAndIsTheResultWithTheConversationAsContext() throws Exception {
    try (FakeOpenAi ai = new FakeOpenAi(r -> new Text("Paris.\nIt is the capital."));
        LaneFixture f = LlmFixture.lane(dir, LlmFixture.settings(ai.baseUrl()),
            (session, max) -> List.of(Turn.user("hello"), Turn.assistant("Hi! How can I help?"),
                Turn.user("capital of France?")), LaneFixture.fastRetries())) {
      Task t = f.awaitEnd(f.submit("llm", message("capital of France?")), MAX);

      assertThat(t.state()).isEqualTo(TaskState.COMPLETED);
      assertThat(t.result().get("text").asText()).isEqualTo("Paris.\nIt is the capital.");
      assertThat(t.result().get("rounds").asInt()).isEqualTo(1);
      assertThat(f.output(t.id())).isEqualTo("Paris.\nIt is the capital.\n");
      var request = ai.requests().getFirst();
      assertThat(request.path("model").asText()).isEqualTo("fake-model");
      assertThat(request.path("stream").asBoolean()).isTrue();
      assertThat(FakeOpenAi.messages(request)).satisfiesExactly(
          m -> assertThat(m).startsWith("system: You are a test bot.").contains("Working folder: "),
          m -> assertThat(m).isEqualTo("user: hello"),
          m -> assertThat(m).isEqualTo("assistant: Hi! How can I help?"),
          m -> assertThat(m).isEqualTo("user: capital of France?"));
      assertThat(FakeOpenAi.toolNames(request)).containsExactly("run_command", "fetch_url", "start_background_task");
    }
  }

  @Test
  void toolCallsRunAndTheirResultsGoBackToTheModel() throws Exception {
    try (FakeOpenAi ai = new FakeOpenAi(r -> switch (FakeOpenAi.messages(r).size()) {
          case 2 -> new FakeOpenAi.ToolCalls(List.of(
              new String[] {"run_command", "{\"command\":[\"echo\",\"hello from a tool\"]}"},
              new String[] {"run_command", "{\"command\":[\"rm\",\"-rf\",\"data\"]}"},
              new String[] {"run_command", "{\"command\": \"echo unquoted"},
              new String[] {"no_such_tool", "{}"}));
          default -> new Text("All done.");
        });
        LaneFixture f = LlmFixture.lane(dir, LlmFixture.settings(ai.baseUrl()), ConversationSource.NONE,
            LaneFixture.fastRetries())) {
      Files.createDirectories(dir.resolve("data"));
      TaskId id = f.submit("llm", message("say hello").put("workdir", dir.toString()));
      Task t = f.awaitEnd(id, MAX);

      assertThat(t.state()).isEqualTo(TaskState.COMPLETED);
      assertThat(t.result().get("text").asText()).isEqualTo("All done.");
      assertThat(t.result().get("rounds").asInt()).isEqualTo(2);
      assertThat(t.result().get("toolCalls").asInt()).isEqualTo(4);
      List<String> second = FakeOpenAi.messages(ai.requests().get(1));
      assertThat(second).hasSize(7);
      assertThat(second.get(3)).isEqualTo("tool: exit code 0\nhello from a tool");
      assertThat(second.get(4)).isEqualTo("tool: error: \"rm\" is not allowed here. Allowed programs: echo, cat.");
      assertThat(second.get(5)).startsWith("tool: error: the arguments of run_command were not a valid JSON object");
      assertThat(second.get(6)).startsWith("tool: error: there is no tool named \"no_such_tool\"");
      assertThat(dir.resolve("data")).isDirectory();
      assertThat(f.output(id)).contains("$ echo hello from a tool\nhello from a tool\n");
      assertThat(t.progress().message()).isEqualTo("step 6: asking fake-model");
    }
  }

  @Test
  void theCommandToolNeverHandsTheModelsKeyOrTheServersSecretsToACommand() throws Exception {
    try (FakeOpenAi ai = new FakeOpenAi(r -> FakeOpenAi.messages(r).size() == 2
            ? call("run_command", "{\"command\":[\"env\"]}") : new Text("done"));
        LaneFixture f = LlmFixture.lane(dir, withCommands(LlmFixture.settings(ai.baseUrl()), "env"),
            ConversationSource.NONE, LaneFixture.fastRetries(), Map.of("PATH", System.getenv("PATH"),
                "OPENAI_API_KEY", "sk-test", "TASKLANE_TOKEN", "admin-secret", "HOME", "/home/tasklane"))) {
      Task t = f.awaitEnd(f.submit("llm", message("show the environment")), MAX);

      assertThat(t.state()).isEqualTo(TaskState.COMPLETED);
      String toolResult = FakeOpenAi.messages(ai.requests().get(1)).get(3);
      assertThat(toolResult).startsWith("tool: exit code 0").contains("HOME=/home/tasklane", "PATH=")
          .doesNotContain("OPENAI_API_KEY", "sk-test", "TASKLANE_TOKEN", "admin-secret");
    }
  }

  private static LlmSettings withCommands(LlmSettings s, String... commands) {
    return new LlmSettings(s.baseUrl(), s.apiKey(), s.model(), s.systemPrompt(), s.maxRounds(), s.requestTimeout(),
        s.historyTurns(), List.of(commands), s.commandTimeout(), s.fetchMaxBytes(), s.fetchTimeout(),
        s.maxToolOutputChars());
  }

  @Test
  void fetchReturnsThePageWithinItsSizeLimit() throws Exception {
    String[] page = new String[1];
    try (FakeOpenAi ai = new FakeOpenAi(r -> FakeOpenAi.messages(r).size() == 2
            ? call("fetch_url", "{\"url\":\"" + page[0] + "\"}") : new Text("fetched"));
        LaneFixture f = LlmFixture.lane(dir, LlmFixture.withFetchMaxBytes(LlmFixture.settings(ai.baseUrl()), 26),
            ConversationSource.NONE, LaneFixture.fastRetries())) {
      page[0] = ai.baseUrl().replace("/v1", "/page");
      Task t = f.awaitEnd(f.submit("llm", message("read the page")), MAX);

      assertThat(t.state()).isEqualTo(TaskState.COMPLETED);
      assertThat(FakeOpenAi.messages(ai.requests().get(1)).get(3))
          .isEqualTo("tool: HTTP 200, text/plain, more than 26 bytes (cut at the limit)\npage content page content ");
    }
  }

  @Test
  void theLastRoundOffersNoToolsAndAModelThatInsistsFailsClearly() throws Exception {
    try (FakeOpenAi ai = new FakeOpenAi(r -> call("run_command", "{\"command\":[\"echo\",\"again\"]}"));
        LaneFixture f = LlmFixture.lane(dir, LlmFixture.withRounds(LlmFixture.settings(ai.baseUrl()), 3),
            ConversationSource.NONE, LaneFixture.fastRetries())) {
      Task t = f.awaitEnd(f.submit("llm", message("loop forever")), MAX);

      assertThat(t.state()).isEqualTo(TaskState.FAILED);
      assertThat(t.error().code()).isEqualTo("max_rounds");
      assertThat(t.attempt()).isEqualTo(1);
      assertThat(ai.requests()).hasSize(3);
      assertThat(FakeOpenAi.toolNames(ai.requests().get(1))).isNotEmpty();
      assertThat(ai.requests().get(2).has("tools")).isFalse();
    }
  }

  @Test
  void aMissingMessageIsRefusedAtTheSubmitAndAnUnknownProfileFailsAtOnce() throws Exception {
    try (FakeOpenAi ai = new FakeOpenAi(r -> new Text("never"));
        LaneFixture f = LlmFixture.lane(dir, LlmFixture.settings(ai.baseUrl()), ConversationSource.NONE,
            LaneFixture.fastRetries())) {
      assertThatThrownBy(() -> f.submit("llm", message(" "))).isInstanceOf(LaneException.class)
          .hasMessageContaining("\"message\" must be a non-empty string");
      // Which profiles exist is for the node that runs the task to say.
      Task unknown = f.awaitEnd(f.submit("llm", message("hi").put("profile", "nope")), MAX);
      assertThat(unknown.error().code()).isEqualTo("bad_input");
      assertThat(unknown.error().message()).isEqualTo("\"nope\" is not a configured llm profile");
      assertThat(ai.requests()).isEmpty();
    }
  }
}
