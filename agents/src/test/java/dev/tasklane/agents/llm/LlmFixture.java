package dev.tasklane.agents.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.agents.exec.ChildEnvironment;
import dev.tasklane.agents.exec.ExecOptions;
import dev.tasklane.agents.exec.OutputFormat;
import dev.tasklane.agents.profile.AgentChoices;
import dev.tasklane.agents.profile.AgentProfile;
import dev.tasklane.agents.profile.AgentsConfig;
import dev.tasklane.agents.profile.LlmSettings;
import dev.tasklane.agents.profile.ProfileRouter;
import dev.tasklane.agents.profile.SessionFolders;
import dev.tasklane.agents.testing.LaneFixture;
import dev.tasklane.core.LaneConfig;
import dev.tasklane.core.TaskHandler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A lane with the llm handler and one llm profile, "bot", talking to a fake model server. */
final class LlmFixture {
  static final Duration MAX = Duration.ofSeconds(20);

  private LlmFixture() {}

  /** The input of an llm task answering {@code text}. */
  static ObjectNode message(String text) {
    return LaneFixture.object().put("message", text);
  }

  static LlmSettings settings(String baseUrl) {
    return new LlmSettings(baseUrl, "sk-test", "fake-model", "You are a test bot.", 4, Duration.ofSeconds(10), 10,
        List.of("echo", "cat"), Duration.ofSeconds(10), 100_000, Duration.ofSeconds(5), 10_000);
  }

  static LlmSettings withRounds(LlmSettings s, int rounds) {
    return new LlmSettings(s.baseUrl(), s.apiKey(), s.model(), s.systemPrompt(), rounds, s.requestTimeout(),
        s.historyTurns(), s.allowedCommands(), s.commandTimeout(), s.fetchMaxBytes(), s.fetchTimeout(),
        s.maxToolOutputChars());
  }

  static LlmSettings withRequestTimeout(LlmSettings s, Duration timeout) {
    return new LlmSettings(s.baseUrl(), s.apiKey(), s.model(), s.systemPrompt(), s.maxRounds(), timeout,
        s.historyTurns(), s.allowedCommands(), s.commandTimeout(), s.fetchMaxBytes(), s.fetchTimeout(),
        s.maxToolOutputChars());
  }

  static LlmSettings withFetchMaxBytes(LlmSettings s, int bytes) {
    return new LlmSettings(s.baseUrl(), s.apiKey(), s.model(), s.systemPrompt(), s.maxRounds(), s.requestTimeout(),
        s.historyTurns(), s.allowedCommands(), s.commandTimeout(), bytes, s.fetchTimeout(), s.maxToolOutputChars());
  }

  static LaneFixture lane(Path dir, LlmSettings settings, ConversationSource conversation, LaneConfig config) {
    return lane(dir, settings, conversation, config, System.getenv());
  }

  /** The same, with {@code serverEnv} as the server's environment its commands draw from. */
  static LaneFixture lane(Path dir, LlmSettings settings, ConversationSource conversation, LaneConfig config,
      Map<String, String> serverEnv) {
    AgentProfile bot = new AgentProfile("bot", AgentProfile.Kind.LLM, List.of(), Duration.ofMinutes(1),
        ChildEnvironment.BASE_ONLY, OutputFormat.PLAIN, settings);
    return new LaneFixture(dir, db -> {
      AgentsConfig agents = new AgentsConfig(List.of(bot), null);
      ProfileRouter router = new ProfileRouter(agents, new AgentChoices(db, Clock.systemUTC()),
          new SessionFolders(dir.resolve("data")));
      var commands = new LlmHandler.Commands(ExecOptions.defaults(), agents.environments(serverEnv));
      return Map.<String, TaskHandler>of("llm", new LlmHandler(router, conversation, commands, Clock.systemUTC()));
    }, config);
  }
}
