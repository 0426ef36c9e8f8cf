package dev.tasklane.agents.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasklane.agents.exec.ChildEnvironment;
import dev.tasklane.agents.exec.ExecOptions;
import dev.tasklane.agents.testing.LaneFixture;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskState;
import dev.tasklane.store.Database;
import dev.tasklane.store.sqlite.SqliteDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileRouterTest {
  /** A caller granted every profile. */
  static final Predicate<String> ANY = name -> true;

  @TempDir Path dir;

  @Test
  void userTextBecomesExactlyOneArgumentAndNeverRunsAsShellCode() throws Exception {
    var exec = LaneFixture.execHandler(dir.resolve("data"), ExecOptions.defaults());
    try (LaneFixture f = new LaneFixture(dir, Map.of("exec", exec))) {
      Path args = f.script("args.sh", "echo \"argc=$#\"; for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done");
      AgentProfile p = new AgentProfile("echo", AgentProfile.Kind.EXEC,
          List.of(args.toString(), "{message}", "--dir={workdir}"), Duration.ofSeconds(30), ChildEnvironment.BASE_ONLY,
          dev.tasklane.agents.exec.OutputFormat.PLAIN, null);
      ProfileRouter router = router(f.lane().database(), new AgentsConfig(List.of(p), null));
      String evil = "hi $(touch " + dir.resolve("pwned1") + ") `touch " + dir.resolve("pwned2") + "`; touch "
          + dir.resolve("pwned3") + " && echo {workdir} * \"' \n second line";

      SubmitRequest.Builder b = router.taskFor("web:alice", evil).orElseThrow();
      Task t = f.awaitEnd(f.submit(b), Duration.ofSeconds(10));

      assertThat(t.state()).isEqualTo(TaskState.COMPLETED);
      Path workdir = dir.resolve("data/work").resolve(SessionFolders.name("web:alice"));
      assertThat(workdir).isDirectory();
      assertThat(t.result().get("output").asText())
          .isEqualTo("argc=2\n[" + evil + "]\n[--dir=" + workdir + "]");
      assertThat(dir.resolve("pwned1")).doesNotExist();
      assertThat(dir.resolve("pwned2")).doesNotExist();
      assertThat(dir.resolve("pwned3")).doesNotExist();
    }
  }

  @Test
  void agentCommandListsSwitchesAndTheChoiceSurvivesARestart() {
    AgentsConfig config = new AgentsConfig(List.of(exec("first"), exec("second")), null);
    Path db = dir.resolve("choices.db");
    try (Database database = SqliteDatabase.open(db)) {
      ProfileRouter r = router(database, config);
      assertThat(r.agentCommand("web:a", "", ANY)).contains("- first (exec), in use").contains("- second (exec)\n");
      assertThat(r.agentCommand("web:a", "third", ANY))
          .isEqualTo("There is no agent named \"third\". Agents: first, second.");
      assertThat(r.agentCommand("web:a", " second ", ANY)).isEqualTo("This chat now uses the agent second (exec).");
      assertThat(r.profileFor("web:b").orElseThrow().name()).isEqualTo("first");
    }
    try (Database database = SqliteDatabase.open(db)) {
      ProfileRouter r = router(database, config);
      assertThat(r.profileFor("web:a").orElseThrow().name()).isEqualTo("second");
      assertThat(r.taskFor("web:a", "x").orElseThrow().build().input().get("command").get(0).asText())
          .isEqualTo("second");
      // The task carries what the user asked beside the command line built around it: its title.
      assertThat(r.taskFor("web:a", "fix the flaky test").orElseThrow().build().input().get("message").asText())
          .isEqualTo("fix the flaky test");
      // a choice whose profile was removed from the configuration falls back to the default
      ProfileRouter fewer = router(database, new AgentsConfig(List.of(exec("first")), null));
      assertThat(fewer.profileFor("web:a").orElseThrow().name()).isEqualTo("first");
    }
  }

  @Test
  void agentCommandListsAndSwitchesToGrantedProfilesOnly() {
    AgentsConfig config = new AgentsConfig(List.of(exec("first"), exec("second")), null);
    try (Database database = SqliteDatabase.open(dir.resolve("t.db"))) {
      ProfileRouter r = router(database, config);
      Predicate<String> onlyFirst = "first"::equals;
      assertThat(r.agentCommand("web:a", "", onlyFirst)).contains("- first (exec)").doesNotContain("second");
      assertThat(r.agentCommand("web:a", "second", onlyFirst))
          .startsWith("The agent second is not granted to you").contains("\"profiles\": [\"second\"]")
          .endsWith("(forbidden)");
      assertThat(r.profileFor("web:a").orElseThrow().name()).isEqualTo("first"); // the refusal changed nothing
    }
  }

  @Test
  void withoutProfilesThereIsNoTaskAndTheCommandSaysHowToConfigure() {
    try (Database database = SqliteDatabase.open(dir.resolve("t.db"))) {
      ProfileRouter r = router(database, AgentsConfig.empty());
      assertThat(r.taskFor("web:a", "hello")).isEmpty();
      assertThat(r.agentCommand("web:a", "", ANY)).isEqualTo(ProfileRouter.HOW_TO_CONFIGURE).contains("docs/AGENTS.md");
    }
  }

  @Test
  void llmProfilesMakeLlmTasksWithTheMessageAndTheTimeoutAsDeadline() {
    LlmSettings s = new LlmSettings("http://x/v1", "k", "m", "p", 3, Duration.ofSeconds(5), 5, List.of(),
        Duration.ofSeconds(5), 100, Duration.ofSeconds(5), 1000);
    AgentProfile p = new AgentProfile("bot", AgentProfile.Kind.LLM, List.of(), Duration.ofMinutes(2),
        ChildEnvironment.BASE_ONLY, dev.tasklane.agents.exec.OutputFormat.PLAIN, s);
    try (Database database = SqliteDatabase.open(dir.resolve("t.db"))) {
      SubmitRequest r = router(database, new AgentsConfig(List.of(p), null)).taskFor("tg:1", "hello").orElseThrow()
          .build();
      assertThat(r.kind()).isEqualTo("llm");
      assertThat(r.input().get("message").asText()).isEqualTo("hello");
      assertThat(r.input().get("profile").asText()).isEqualTo("bot");
      assertThat(Files.isDirectory(Path.of(r.input().get("workdir").asText()))).isTrue();
      assertThat(r.deadline()).isEqualTo(Duration.ofMinutes(2).plus(ProfileRouter.DEADLINE_MARGIN));
    }
  }

  @Test
  void sessionFolderNamesAreSafeAndDistinct() {
    assertThat(SessionFolders.name("web-alice")).isEqualTo("web-alice");
    assertThat(SessionFolders.name("telegram:12345")).startsWith("telegram_12345-").hasSize(23);
    assertThat(SessionFolders.name("a:b")).isNotEqualTo(SessionFolders.name("a_b"));
    assertThat(SessionFolders.name("../../etc")).doesNotContain("/").doesNotStartWith(".");
    assertThat(SessionFolders.name("x".repeat(500))).hasSizeLessThan(100);
  }

  private ProfileRouter router(Database database, AgentsConfig config) {
    return new ProfileRouter(config, new AgentChoices(database, Clock.systemUTC()), new SessionFolders(dir.resolve("data")));
  }

  private static AgentProfile exec(String name) {
    return new AgentProfile(name, AgentProfile.Kind.EXEC, List.of(name, "{message}"), Duration.ofMinutes(1),
        ChildEnvironment.BASE_ONLY, dev.tasklane.agents.exec.OutputFormat.PLAIN, null);
  }
}
