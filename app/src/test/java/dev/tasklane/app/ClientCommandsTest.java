package dev.tasklane.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The CLI client (submit, status, list, cancel, watch) against a real {@code tasklane serve}. */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientCommandsTest {
  Path dir;
  ServerProcess server;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    server = ServerProcess.start(dir.resolve("data"), Map.of());
  }

  @AfterAll
  void stop() {
    server.close();
  }

  /** Runs the command line in-process; the token comes from the server's data folder. */
  Run run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--url", server.url, "--data", dir.resolve("data").toString()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int code = cmd.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  record Run(int code, String out, String err) {}

  static String taskId(Run r) {
    Matcher m = Pattern.compile("task (\\w+) (queued|running|completed)").matcher(r.out());
    assertThat(m.find()).as(r.out() + r.err()).isTrue();
    return m.group(1);
  }

  @Test
  void submitThenWatchShowsProgressAndTheResult() {
    String id = taskId(run("submit", "-s", "cli:one", "for i in 1 2 3; do echo line $i; sleep 0.2; done"));
    Run watch = run("watch", id);
    assertThat(watch.code()).as(watch.err()).isZero();
    assertThat(watch.out()).contains("line 1", "line 3", "completed");
    // Into a pipe or file: plain lines, no carriage returns or escape codes, no "?%" for a task
    // that reports no fraction, but its state, elapsed time and current line.
    assertThat(watch.out()).doesNotContain("\r", "\033", "?%");
    assertThat(watch.out().lines()).anyMatch(l -> l.matches(id + " running  \\d+s  line \\d"));

    Run status = run("status", id);
    assertThat(status.out()).contains(id, "completed", "cli:one", "exec");
    // Output of several lines goes below its name, indented: apart from the summary around it.
    assertThat(status.out()).contains("  result:\n    line 1\n    line 2\n    line 3");
    assertThat(run("status", id, "--json").out()).contains("\"state\" : \"completed\"");
    // A list shows what was asked for, not the last line of output of a task long done.
    assertThat(run("list", "-s", "cli:one").out().strip())
        .matches(id + " +completed +cli:one +exec +for i in 1 2 3; do echo line \\$i; sleep 0\\.2; done");
  }

  @Test
  void cancelStopsALongTaskAndWatchExitsNonZero() throws Exception {
    String id = taskId(run("submit", "-s", "cli:two", "sleep 60"));
    Thread.sleep(500);
    // A running task's line: its title, then its progress.
    assertThat(run("list", "-s", "cli:two").out().strip()).matches(id + " +running +cli:two +exec +sleep 60( .*)?");
    Run cancel = run("cancel", id);
    assertThat(cancel.code()).isZero();
    assertThat(cancel.out()).contains("task " + id);
    Run watch = run("watch", id);
    assertThat(watch.code()).isEqualTo(1);
    assertThat(watch.out()).contains("canceled");
  }

  @Test
  void submitSaysWhereTheTaskIsInTheQueue() throws Exception {
    String first = taskId(run("submit", "-s", "cli:queue", "sleep 30"));
    awaitState(first, "running");
    // Free workers, but the session runs one task at a time: the new task waits for the first.
    Run second = run("submit", "-s", "cli:queue", "true");
    assertThat(second.out()).as(second.err()).startsWith("task ").contains(" queued, 1 ahead of it")
        .doesNotContain("position");
    assertThat(run("status", taskId(second)).out()).contains("1 ahead of it");
    run("cancel", first);
    // A quick task an idle worker takes at once says what it is doing, never "queued (position -1)".
    for (int i = 0; i < 10; i++) {
      Run quick = run("submit", "-s", "cli:quick" + i, "true");
      assertThat(quick.out()).as(quick.err()).matches("task \\w+ (queued, (next in line|\\d+ ahead of it)|running|completed)\\s*");
    }
  }

  void awaitState(String id, String state) throws Exception {
    long deadline = System.currentTimeMillis() + 15_000;
    while (!run("status", id).out().contains(" " + state + " ")) {
      assertThat(System.currentTimeMillis()).as("%s never %s", id, state).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void submitSendsFilesWaitsForOthersAndStartsLater() throws Exception {
    Path notes = dir.resolve("notes.txt");
    java.nio.file.Files.writeString(notes, "from the file");
    String first = taskId(run("submit", "-s", "cli:four", "--attach", notes.toString(),
        "cat \"$TASKLANE_ATTACHMENTS\""));
    String second = taskId(run("submit", "-s", "cli:four", "--depends-on", first, "-k", "exec", "-i",
        "{\"shell\": \"echo after\"}"));
    assertThat(run("watch", second).code()).isZero();
    assertThat(run("status", first, "--json").out()).contains("from the file");
    Run submitLater = run("submit", "-s", "cli:five", "--delay", "1d", "--ttl", "1h", "true");
    // Not "next in line": it is not in the queue until its time.
    assertThat(submitLater.out().strip()).matches("task \\w+ queued, starts at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    String later = taskId(submitLater);
    assertThat(run("status", later).out()).contains(", starts at ").doesNotContain("next in line");
    assertThat(run("list", "-s", "cli:five").out().strip()).matches("(?s)" + later + " +queued .*  starts at \\S+Z");
    Run status = run("status", later, "--json");
    assertThat(status.out()).contains("\"state\" : \"queued\"", "\"notBefore\"", "\"expiresAt\"");
    assertThat(run("submit", "--delay", "soon", "true").err()).contains("not a duration");
  }

  /** A task that waits for another says so, not "next in line". */
  @Test
  void aTaskWaitingForAnotherSaysWhichOne() {
    String first = taskId(run("submit", "-s", "cli:six", "sleep 30"));
    Run second = run("submit", "-s", "cli:six", "--depends-on", first, "echo after");
    assertThat(second.out().strip()).matches("task \\w+ queued, waits for " + first);
    assertThat(run("status", taskId(second)).out()).contains(", waits for " + first).doesNotContain("next in line");
    assertThat(run("list", "-s", "cli:six", "--state", "queued").out().strip())
        .matches(taskId(second) + " +queued .*  waits for 1 task");
    assertThat(run("cancel", first).code()).isZero();
  }

  /** A submit with nothing to run is refused at once, not stored as a task that fails. */
  @Test
  void aSubmitWithNothingToRunIsRefused() {
    Run empty = run("submit", "-s", "cli:seven");
    assertThat(empty.code()).isEqualTo(1);
    assertThat(empty.err()).contains("bad_request", "exec input is wrong", "\"command\"", "\"shell\"");
    assertThat(run("list", "-s", "cli:seven").out().strip()).isEqualTo("no tasks");
  }

  @Test
  void errorsAreShortAndStructured() {
    Run missing = run("status", "7ZZZ");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("not_found");
    Run badKind = run("submit", "-k", "nope", "-i", "{}");
    assertThat(badKind.err()).contains("bad_request", "unknown kind");
    Run idem1 = run("submit", "-s", "cli:three", "--idempotency-key", "k", "true");
    Run idem2 = run("submit", "-s", "cli:three", "--idempotency-key", "k", "true");
    assertThat(taskId(idem1)).isEqualTo(taskId(idem2));
    assertThat(idem2.out()).contains("already submitted");
  }
}
