package dev.tasklane.agents.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasklane.agents.exec.OutputFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentsConfigTest {
  @TempDir Path dir;

  @Test
  void readsExecAndLlmProfilesFromJsonInTheDataFolder() throws Exception {
    Files.writeString(dir.resolve("tasklane.json"), """
        {"server": {"port": 7070},
         "agents": {"default": "assistant", "profiles": {
           "claude": {"kind": "exec", "command": ["claude", "-p", "{message}", "--output-format", "stream-json"],
                      "format": "stream-json", "timeoutSeconds": 600, "env": {"NO_COLOR": "1"}},
           "assistant": {"kind": "llm", "model": "qwen2.5", "baseUrl": "http://localhost:11434/v1",
                         "allowedCommands": ["ls", "git"], "maxRounds": 4}}}}""");
    AgentsConfig c = AgentsConfig.load(dir, null, Map.of("OPENAI_API_KEY", "sk-test"));

    assertThat(c.profiles().keySet()).containsExactly("claude", "assistant");
    assertThat(c.defaultProfile().orElseThrow().name()).isEqualTo("assistant");
    AgentProfile claude = c.profile("claude").orElseThrow();
    assertThat(claude.kind()).isEqualTo(AgentProfile.Kind.EXEC);
    assertThat(claude.command()).containsExactly("claude", "-p", "{message}", "--output-format", "stream-json");
    assertThat(claude.format()).isEqualTo(OutputFormat.STREAM_JSON);
    assertThat(claude.timeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(claude.environment().fixed()).containsEntry("NO_COLOR", "1");
    LlmSettings llm = c.profile("assistant").orElseThrow().llm();
    assertThat(llm.model()).isEqualTo("qwen2.5");
    assertThat(llm.baseUrl()).isEqualTo("http://localhost:11434/v1");
    assertThat(llm.apiKey()).isEqualTo("sk-test");
    assertThat(llm.allowedCommands()).containsExactly("ls", "git");
    assertThat(llm.maxRounds()).isEqualTo(4);
  }

  @Test
  void readsYamlFromAnExplicitPathAndTheFirstProfileIsTheDefault() throws Exception {
    Path file = dir.resolve("my.yaml");
    Files.writeString(file, """
        agents:
          profiles:
            script:
              command: ["./answer.sh", "{message}"]
            other:
              command: ["true"]
        """);
    AgentsConfig c = AgentsConfig.load(null, file, Map.of());
    assertThat(c.defaultProfile().orElseThrow().name()).isEqualTo("script");
    assertThat(c.profile("script").orElseThrow().kind()).isEqualTo(AgentProfile.Kind.EXEC);
  }

  @Test
  void theEnvironmentAloneMakesAnAssistantProfile() {
    AgentsConfig c = AgentsConfig.load(dir, null, Map.of("TASKLANE_MODEL", "llama3", "OPENAI_BASE_URL",
        "http://127.0.0.1:8080/v1"));
    AgentProfile p = c.defaultProfile().orElseThrow();
    assertThat(p.name()).isEqualTo("assistant");
    assertThat(p.llm().model()).isEqualTo("llama3");
    assertThat(p.llm().baseUrl()).isEqualTo("http://127.0.0.1:8080/v1");
    assertThat(AgentsConfig.load(dir, null, Map.of()).isEmpty()).isTrue();
  }

  @Test
  void execLimitsAreConfigurable() throws Exception {
    Files.writeString(dir.resolve("tasklane.json"),
        "{\"agents\": {\"exec\": {\"maxOutputBytes\": 4096, \"killGraceSeconds\": 0.5}}}");
    AgentsConfig c = AgentsConfig.load(dir, null, Map.of());
    assertThat(c.execOptions().maxOutputBytes()).isEqualTo(4096);
    assertThat(c.execOptions().killGrace()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.execOptions().stderrTailLines()).isEqualTo(20);
    Files.delete(dir.resolve("tasklane.json"));
    assertError("{\"agents\": {\"exec\": {\"maxOutputBytes\": 10}}}",
        "agents.exec.maxOutputBytes must be a whole number from 64 to");
  }

  @Test
  void commandEnvironmentsNamePassedVariablesAndFixedValues() throws Exception {
    Files.writeString(dir.resolve("tasklane.json"), """
        {"agents": {"exec": {"passEnv": ["CI_CACHE"], "env": {"LC_ALL": "C"}},
                    "profiles": {"claude": {"command": ["claude", "-p", "{message}"], "passEnv": ["ANTHROPIC_API_KEY"],
                                            "env": {"NO_COLOR": "1"}},
                                 "bot": {"kind": "llm", "model": "m", "passEnv": ["GIT_SSH_COMMAND"]}}}}""");
    AgentsConfig c = AgentsConfig.load(dir, null, Map.of("OPENAI_API_KEY", "sk"));

    assertThat(c.commandEnvironment().pass()).containsExactly("CI_CACHE");
    assertThat(c.commandEnvironment().fixed()).containsEntry("LC_ALL", "C");
    assertThat(c.profile("claude").orElseThrow().environment().pass()).containsExactly("ANTHROPIC_API_KEY");
    assertThat(c.profile("bot").orElseThrow().environment().pass()).containsExactly("GIT_SSH_COMMAND");
    Map<String, String> server = Map.of("ANTHROPIC_API_KEY", "a", "CI_CACHE", "c", "OPENAI_API_KEY", "sk");
    assertThat(c.environments(server).of("claude", Map.of())).containsOnlyKeys("ANTHROPIC_API_KEY", "NO_COLOR");
    assertThat(c.environments(server).of(null, Map.of())).containsOnlyKeys("CI_CACHE", "LC_ALL");
    Files.delete(dir.resolve("tasklane.json"));

    assertError("{\"agents\": {\"exec\": {\"passEnv\": [\"TASKLANE_TOKEN\"]}}}",
        "agents.exec.passEnv names TASKLANE_TOKEN: Tasklane's own settings and secrets are never passed on");
    assertError("{\"agents\": {\"profiles\": {\"x\": {\"command\": [\"x\"], \"passEnv\": \"HOME\"}}}}",
        "agents.profiles.x.passEnv must be an array of strings");
  }

  @Test
  void aMissingExplicitFileIsAnError() {
    assertThatThrownBy(() -> AgentsConfig.load(dir, dir.resolve("nope.json"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("nope.json does not exist");
  }

  @Test
  void mistakesNameTheFileAndTheSetting() throws Exception {
    assertError("{\"agents\": {\"profiles\": {\"x\": {\"kind\": \"robot\"}}}}", "agents.profiles.x.kind must be");
    assertError("{\"agents\": {\"profiles\": {\"x\": {\"command\": []}}}}", "agents.profiles.x.command must be");
    assertError("{\"agents\": {\"profiles\": {\"x\": {\"command\": [\"a\"], \"timeoutSeconds\": -1}}}}",
        "agents.profiles.x.timeoutSeconds");
    assertError("{\"agents\": {\"profiles\": {\"x\": {\"kind\": \"llm\"}}}}", "agents.profiles.x.model is required");
    assertError("{\"agents\": {\"profiles\": {\"x\": {\"kind\": \"llm\", \"model\": \"m\", \"maxRounds\": 0}}}}",
        "agents.profiles.x.maxRounds must be a whole number from 1 to 100");
    assertError("{\"agents\": {\"default\": \"y\", \"profiles\": {\"x\": {\"command\": [\"a\"]}}}}",
        "agents.default names \"y\"");
    assertError("{\"agents\": {\"profiles\": {\"../x\": {\"command\": [\"a\"]}}}}", "not a valid profile name");
  }

  @Test
  void aFileThatIsNotJsonSaysWhereAndWhatToDoWithoutTheParsersInternals() throws Exception {
    Path file = dir.resolve("tasklane.json");
    Files.writeString(file, "{\"agents\": {\"profiles\": {\n  \"x\": {\"command\": [\"a\"]},\n}}}\n");
    assertThatThrownBy(() -> AgentsConfig.load(dir, null, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + " is not valid JSON at line 3, column 1: Unexpected character ('}')")
        .hasMessageContaining("Fix that spot")
        .message().doesNotContain("com.fasterxml", "Source:", "Exception", "code 125", "\n");
    Files.writeString(file, "{\"agents\": {} // a comment\n}");
    assertThatThrownBy(() -> AgentsConfig.load(dir, null, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("line 1").message().doesNotContain("Feature", "ALLOW_", "com.fasterxml");
    Path yaml = dir.resolve("agents.yaml");
    Files.writeString(yaml, "agents:\n  profiles: [unclosed\n");
    assertThatThrownBy(() -> AgentsConfig.load(dir, yaml, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(yaml + " is not valid YAML at line").message().doesNotContain("com.fasterxml");
  }

  @Test
  void aPlaceholderInsideAShellScriptIsRefused() throws Exception {
    assertError("{\"agents\": {\"profiles\": {\"x\": {\"command\": [\"bash\", \"-lc\", \"agent {message}\"]}}}}",
        "placeholder inside a shell script");
    Files.writeString(dir.resolve("tasklane.json"),
        "{\"agents\": {\"profiles\": {\"x\": {\"command\": [\"sh\", \"-c\", \"agent \\\"$1\\\"\", \"sh\", \"{message}\"]}}}}");
    assertThat(AgentsConfig.load(dir, null, Map.of()).profile("x")).isPresent();
  }

  private void assertError(String json, String message) throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, json);
    assertThatThrownBy(() -> AgentsConfig.load(dir, null, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining(file.toString()).hasMessageContaining(message);
    Files.delete(file);
  }
}
