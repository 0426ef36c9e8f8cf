package dev.tasklane.agents.exec;

import static dev.tasklane.agents.testing.LaneFixture.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.agents.testing.LaneFixture;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancel and deadline stop the whole process tree: children, grandchildren, and those ignoring SIGTERM. */
class ExecStopTest {
  @TempDir Path dir;
  private LaneFixture f;
  private Path pids;
  private Path script;

  @BeforeEach
  void start() throws Exception {
    f = new LaneFixture(dir,
        Map.of("exec", LaneFixture.execHandler(dir, ExecOptions.defaults().withKillGrace(Duration.ofMillis(500)))));
    pids = dir.resolve("tree.pids");
    // The shell starts two sleeping children, one subshell that ignores SIGTERM (so only SIGKILL stops
    // it) and a grandchild below another shell; every pid is written down before "ready".
    script = f.script("tree.sh", String.join("\n",
        "sleep 300 & echo $! >> " + pids,
        "sleep 300 & echo $! >> " + pids,
        "(trap '' TERM; sleep 300) & echo $! >> " + pids,
        "sh -c 'sleep 300 & echo $! >> " + pids + "; wait' & echo $! >> " + pids,
        "echo $$ >> " + pids,
        "sleep 0.2; echo ready",
        "wait"));
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void cancelStopsEveryProcessOfTheTree() throws Exception {
    TaskId id = f.submit("exec", command("sh", script.toString()));
    List<Long> tree = awaitReady(id);

    f.lane().cancel(id);
    Task t = f.awaitEnd(id, Duration.ofSeconds(10));

    assertThat(t.state()).isEqualTo(TaskState.CANCELED);
    Processes.awaitAllGone(tree);
  }

  @Test
  void theTaskDeadlineStopsEveryProcessOfTheTree() throws Exception {
    TaskId id = f.submit(SubmitRequest.builder("test:1", "exec").input(command("sh", script.toString()))
        .deadline(Duration.ofSeconds(2)).maxAttempts(1));
    List<Long> tree = awaitReady(id);

    Task t = f.awaitEnd(id, Duration.ofSeconds(15));

    assertThat(t.state()).isEqualTo(TaskState.FAILED);
    assertThat(t.error().code()).isEqualTo("timeout");
    Processes.awaitAllGone(tree);
  }

  private List<Long> awaitReady(TaskId id) throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> f.output(id).contains("ready"));
    List<Long> tree = Processes.read(pids);
    assertThat(tree).hasSize(6);
    assertThat(withDescendantsOf(tree)).hasSizeGreaterThan(6);
    assertThat(tree).allMatch(Processes::running);
    return withDescendantsOf(tree);
  }

  /** The written pids plus their children (such as the sleep inside the TERM-ignoring subshell). */
  private static List<Long> withDescendantsOf(List<Long> pids) {
    var all = new java.util.ArrayList<>(pids);
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> all.add(d.pid())));
    }
    return all;
  }
}
