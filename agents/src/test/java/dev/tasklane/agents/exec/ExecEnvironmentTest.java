package dev.tasklane.agents.exec;

import static dev.tasklane.agents.testing.LaneFixture.command;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tasklane.agents.profile.SessionFolders;
import dev.tasklane.agents.testing.LaneFixture;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a real child process gets: the safe base, what its profile passes through and fixes, the
 * task's own variables, and nothing else of the server's environment; and, without a cwd, its
 * session's folder rather than the server's working directory.
 */
class ExecEnvironmentTest {
  private static final Duration MAX = Duration.ofSeconds(20);
  /** The server's environment, secrets included, as the handler sees it. */
  private static final Map<String, String> SERVER = Map.of(
      "PATH", System.getenv("PATH"), "HOME", "/home/tasklane", "LANG", "C.UTF-8",
      "TASKLANE_TOKEN", "admin-secret", "TASKLANE_TOKENS", "/srv/tasklane/tokens",
      "TASKLANE_TELEGRAM_TOKEN", "123:telegram-secret", "OPENAI_API_KEY", "sk-llm-secret",
      "ANTHROPIC_API_KEY", "sk-ant-secret", "CI_CACHE", "/var/cache/ci", "LD_PRELOAD", "/tmp/evil.so");

  @TempDir Path dir;
  LaneFixture f;

  @BeforeEach
  void start() {
    Environments environments = new Environments(SERVER, new ChildEnvironment(Set.of("CI_CACHE"), Map.of()),
        Map.of("claude", new ChildEnvironment(Set.of("ANTHROPIC_API_KEY"), Map.of("NO_COLOR", "1"))));
    SessionFolders folders = new SessionFolders(dir.resolve("data"));
    f = new LaneFixture(dir, Map.of("exec", new ExecHandler(ExecOptions.defaults(), environments, folders::folder)));
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private Map<String, String> envOf(Task t) {
    assertThat(t.state()).as("%s", t.error()).isEqualTo(TaskState.COMPLETED);
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : t.result().get("output").asText().split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) env.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return env;
  }

  @Test
  void aCommandWithoutAProfileGetsTheBaseAndWhatCommandsPassOnly() {
    Map<String, String> env = envOf(f.awaitEnd(f.submit("exec", command("env")), MAX));

    assertThat(env).containsEntry("HOME", "/home/tasklane").containsEntry("LANG", "C.UTF-8")
        .containsEntry("CI_CACHE", "/var/cache/ci").containsOnlyKeys("PATH", "HOME", "LANG", "CI_CACHE");
    assertThat(env.keySet()).doesNotContain("TASKLANE_TOKEN", "TASKLANE_TOKENS", "TASKLANE_TELEGRAM_TOKEN",
        "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "LD_PRELOAD", "NO_COLOR");
    assertThat(String.join("\n", env.values())).doesNotContain("secret", "/srv/tasklane/tokens");
  }

  @Test
  void aProfilesCommandGetsItsOwnVariablesAndTheTasksOnTop() {
    var input = command("env").put("profile", "claude");
    input.putObject("env").put("GREETING", "hello");
    Map<String, String> env = envOf(f.awaitEnd(f.submit("exec", input), MAX));

    assertThat(env).containsEntry("ANTHROPIC_API_KEY", "sk-ant-secret").containsEntry("NO_COLOR", "1")
        .containsEntry("GREETING", "hello")
        .containsOnlyKeys("PATH", "HOME", "LANG", "ANTHROPIC_API_KEY", "NO_COLOR", "GREETING");
    assertThat(env.keySet()).doesNotContain("TASKLANE_TOKEN", "OPENAI_API_KEY", "TASKLANE_TELEGRAM_TOKEN",
        "CI_CACHE", "LD_PRELOAD");
  }

  @Test
  void withoutACwdACommandRunsInItsSessionsFolder() throws Exception {
    Task t = f.awaitEnd(f.submit(SubmitRequest.builder("telegram:42", "exec").input(command("pwd"))), MAX);
    Path folder = new SessionFolders(dir.resolve("data")).folder("telegram:42");

    assertThat(t.result().get("output").asText()).isEqualTo(folder.toRealPath().toString());
    assertThat(folder.toRealPath()).isNotEqualTo(Path.of("").toRealPath());
  }
}
