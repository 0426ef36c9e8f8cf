package dev.tasklane.agents.exec;

import static dev.tasklane.agents.testing.LaneFixture.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tasklane.agents.testing.LaneFixture;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exec handler running real processes in a real lane. */
class ExecHandlerTest {
  private static final Duration MAX = Duration.ofSeconds(20);

  @TempDir Path dir;
  private LaneFixture lane;

  private LaneFixture lane(ExecOptions options) {
    lane = new LaneFixture(dir, Map.of("exec", LaneFixture.execHandler(dir, options)));
    return lane;
  }

  @AfterEach
  void close() {
    if (lane != null) lane.close();
  }

  @Test
  void outputStreamsLineByLineAndTheLatestLineIsTheProgress() throws Exception {
    LaneFixture f = lane(ExecOptions.defaults());
    Path script = f.script("count.sh", "echo one; sleep 0.3; echo two >&2; sleep 2; echo three");
    TaskId id = f.submit("exec", command("sh", script.toString()));

    await().atMost(MAX).until(() -> "two".equals(f.lane().require(id).progress().message()));
    assertThat(f.lane().require(id).state()).isEqualTo(TaskState.RUNNING);
    await().atMost(MAX).until(() -> f.output(id).contains("one\ntwo\n"));

    Task t = f.awaitEnd(id, MAX);
    assertThat(t.state()).isEqualTo(TaskState.COMPLETED);
    assertThat(t.result().get("exitCode").asInt()).isZero();
    assertThat(t.result().get("output").asText()).isEqualTo("one\ntwo\nthree");
    assertThat(t.result().get("truncated").asBoolean()).isFalse();
    assertThat(f.output(id)).isEqualTo("one\ntwo\nthree\n");
  }

  @Test
  void shellInputRunsThroughShWithEnvAndCwd() throws Exception {
    LaneFixture f = lane(ExecOptions.defaults());
    var input = LaneFixture.object().put("shell", "echo \"$GREETING from $(pwd)\"").put("cwd", dir.toString());
    input.putObject("env").put("GREETING", "hello");
    Task t = f.awaitEnd(f.submit("exec", input), MAX);
    assertThat(t.result().get("output").asText()).isEqualTo("hello from " + dir.toRealPath());
  }

  @Test
  void hugeOutputIsCappedAndTheResultSaysHowMuchWasDropped() throws Exception {
    int cap = 4096;
    LaneFixture f = lane(ExecOptions.defaults().withMaxOutputBytes(cap));
    Task t = f.awaitEnd(f.submit("exec", command("seq", "1", "100000")), MAX);

    long total = IntStream.rangeClosed(1, 100000).mapToLong(i -> Integer.toString(i).length() + 1).sum();
    String out = t.result().get("output").asText();
    assertThat(t.state()).isEqualTo(TaskState.COMPLETED);
    assertThat(t.result().get("truncated").asBoolean()).isTrue();
    assertThat(t.result().get("maxOutputBytes").asInt()).isEqualTo(cap);
    String[] lines = out.split("\n");
    String marker = lines[Math.toIntExact(IntStream.range(0, lines.length).filter(i -> lines[i].startsWith("[..."))
        .findFirst().orElseThrow())];
    long keptBytes = out.length() + 1 - (marker.length() + 1); // ASCII: one byte per char; each line has '\n'
    assertThat(keptBytes).isLessThanOrEqualTo(cap).isGreaterThan(cap - 10);
    assertThat(t.result().get("droppedBytes").asLong()).isEqualTo(total - keptBytes);
    assertThat(marker).contains((total - keptBytes) + " bytes");
    assertThat(out).startsWith("1\n2\n3\n").endsWith("99999\n100000");
  }

  @Test
  void outputExactlyAtTheCapIsKeptWhole() throws Exception {
    LaneFixture f = lane(ExecOptions.defaults().withMaxOutputBytes(100));
    // 10 lines of 9 characters + newline = exactly 100 bytes
    Task t = f.awaitEnd(f.submit("exec", command("sh", "-c", "for i in 0 1 2 3 4 5 6 7 8 9; do echo line-$i-xx; done")),
        MAX);
    assertThat(t.result().get("truncated").asBoolean()).isFalse();
    assertThat(t.result().get("output").asText().split("\n")).hasSize(10);
    Task over = f.awaitEnd(f.submit("exec", command("sh", "-c", "for i in 0 1 2 3 4 5 6 7 8 9; do echo line-$i-xxx; done")),
        MAX);
    assertThat(over.result().get("truncated").asBoolean()).isTrue();
  }

  @Test
  void nonZeroExitFailsPermanentlyWithTheEndOfStandardError() throws Exception {
    LaneFixture f = lane(ExecOptions.defaults());
    String noise = IntStream.range(0, 50).mapToObj(i -> "echo noise-" + i + " >&2").collect(Collectors.joining("; "));
    Path script = f.script("fail.sh", "echo working; " + noise + "; echo 'disk is full' >&2; exit 3");
    Task t = f.awaitEnd(f.submit("exec", command(script.toString())), MAX);

    assertThat(t.state()).isEqualTo(TaskState.FAILED);
    assertThat(t.attempt()).isEqualTo(1);
    assertThat(t.error().code()).isEqualTo("exit_nonzero");
    assertThat(t.error().retryable()).isFalse();
    assertThat(t.error().message()).contains("code 3").endsWith("disk is full").contains("noise-49")
        .doesNotContain("noise-10\n");
  }

  @Test
  void aProgramThatDoesNotExistFailsClearly() {
    LaneFixture f = lane(ExecOptions.defaults());
    Task t = f.awaitEnd(f.submit("exec", command(dir.resolve("no-such-program").toString())), MAX);
    assertThat(t.state()).isEqualTo(TaskState.FAILED);
    assertThat(t.error().code()).isIn("start_failed", "exit_nonzero");
    assertThat(t.error().message()).contains("no-such-program");
  }

  @Test
  void theTimeoutInTheInputStopsTheCommand() throws Exception {
    LaneFixture f = lane(ExecOptions.defaults());
    var input = command("sleep", "300").put("timeoutSeconds", 0.5);
    long start = System.nanoTime();
    Task t = f.awaitEnd(f.submit("exec", input), MAX);
    assertThat(t.state()).isEqualTo(TaskState.FAILED);
    assertThat(t.error().code()).isEqualTo("timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aBackgroundProcessLeftBehindDoesNotHoldTheTaskOpen() throws Exception {
    LaneFixture f = lane(ExecOptions.defaults());
    Path pids = dir.resolve("left.pids");
    Task t = f.awaitEnd(f.submit("exec", command("sh", "-c", "sleep 300 & echo $! > " + pids + "; echo done")),
        Duration.ofSeconds(10));
    assertThat(t.state()).isEqualTo(TaskState.COMPLETED);
    assertThat(t.result().get("output").asText()).isEqualTo("done");
    Processes.awaitAllGone(Processes.read(pids));
  }

  @Test
  void processesLeftBehindWithTheirOutputClosedAreStoppedWhenTheCommandEnds() throws Exception {
    LaneFixture f = lane(ExecOptions.defaults());
    Path pids = dir.resolve("detached.pids");
    long start = System.nanoTime();
    Task t = f.awaitEnd(f.submit("exec", command("sh", "-c",
        "sleep 300 > /dev/null 2>&1 & echo $! > " + pids + "; echo done")), Duration.ofSeconds(10));
    assertThat(t.state()).isEqualTo(TaskState.COMPLETED);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    Processes.awaitAllGone(Processes.read(pids));
  }

  @Test
  void aWrongShapeIsRefusedAtTheSubmitAndAMissingFolderFailsTheTaskAtOnce() {
    LaneFixture f = lane(ExecOptions.defaults());
    assertThatThrownBy(() -> f.submit("exec", LaneFixture.object().put("command", "ls -l")))
        .isInstanceOf(LaneException.class).hasMessageContaining("\"command\" must be a non-empty array of strings");
    // Whether the folder exists is for the node that runs the task to say.
    Task t = f.awaitEnd(f.submit("exec", LaneFixture.object().put("shell", "ls").put("cwd", "/no/such/dir")), MAX);
    assertThat(t.state()).isEqualTo(TaskState.FAILED);
    assertThat(t.attempt()).isEqualTo(1);
    assertThat(t.error().code()).isEqualTo("bad_input");
    assertThat(t.error().message()).contains("/no/such/dir is not an existing folder");
  }
}
