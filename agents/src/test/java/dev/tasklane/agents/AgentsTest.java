package dev.tasklane.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasklane.agents.llm.ConversationSource;
import dev.tasklane.agents.profile.AgentsConfig;
import dev.tasklane.agents.testing.LaneFixture;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentsTest {
  @TempDir Path dir;

  @Test
  void theConfigurationFromTheDataFolderRoutesFreeTextToARunningTask() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("tasklane.yaml"), """
        agents:
          profiles:
            shout:
              command: [tr, a-z, A-Z]
            upper:
              command: [sh, -c, 'printf "%s" "$1" | tr a-z A-Z', sh, "{message}"]
        """);
    Agents[] agents = new Agents[1];
    try (LaneFixture f = new LaneFixture(dir, db -> {
      agents[0] = Agents.load(data, null, Map.of(), db, Clock.systemUTC());
      return agents[0].handlers(ConversationSource.NONE);
    }, LaneFixture.fastRetries())) {
      assertThat(f.lane().kinds()).containsExactlyInAnyOrder("exec", "llm");
      agents[0].router().agentCommand("web:a", "upper", name -> true);
      Task t = f.awaitEnd(f.submit(agents[0].router().taskFor("web:a", "make me loud").orElseThrow()),
          Duration.ofSeconds(10));
      assertThat(t.state()).isEqualTo(TaskState.COMPLETED);
      assertThat(t.result().get("output").asText()).isEqualTo("MAKE ME LOUD");
    }
  }

  @Test
  void theExampleConfigurationInTheDocsIsValid() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "AGENTS.md"));
    Matcher m = Pattern.compile("## A complete example\\s+```json\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    assertThat(m.find()).isTrue();
    Files.writeString(dir.resolve("tasklane.json"), m.group(1));
    AgentsConfig c = AgentsConfig.load(dir, null, Map.of());
    assertThat(c.profiles().keySet()).containsExactly("claude", "codex", "script", "assistant");
    assertThat(c.defaultProfile().orElseThrow().name()).isEqualTo("claude");
  }
}
