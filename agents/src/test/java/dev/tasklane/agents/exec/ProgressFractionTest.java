package dev.tasklane.agents.exec;

import static dev.tasklane.agents.testing.LaneFixture.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.agents.testing.LaneFixture;
import dev.tasklane.core.LaneConfig;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fraction where a command or agent says how far it got, and none where it does not. */
class ProgressFractionTest {
  @TempDir Path dir;

  @Test
  void countsAndPercentagesThatSayHowFarACommandGot() {
    assertThat(PlainLineParser.fractionIn("[3/10] Building CXX object foo.o")).isEqualTo(0.3);
    assertThat(PlainLineParser.fractionIn("(1 of 4) fetching")).isEqualTo(0.25);
    assertThat(PlainLineParser.fractionIn("[ 45%] Linking")).isEqualTo(0.45);
    assertThat(PlainLineParser.fractionIn("80% done")).isEqualTo(0.8);
    assertThat(PlainLineParser.fractionIn("12/48 migrations applied")).isEqualTo(0.25);
    assertThat(PlainLineParser.fractionIn("Running test 7 of 28: parser")).isEqualTo(0.25);
    assertThat(PlainLineParser.fractionIn("Step 2/8 : RUN make")).isEqualTo(0.25);
  }

  @Test
  void numbersThatSayNothingOfProgressAreText() {
    assertThat(PlainLineParser.fractionIn("the new parser is 20% faster")).isNull();
    assertThat(PlainLineParser.fractionIn("1 of the 3 reviewers approved")).isNull();
    assertThat(PlainLineParser.fractionIn("GET /api/v1 HTTP/1.1 200")).isNull();
    assertThat(PlainLineParser.fractionIn("[12/10] impossible")).isNull();
    assertThat(PlainLineParser.fractionIn("[0/0]")).isNull();
  }

  @Test
  void aCommandThatCountsItsStepsShowsAFractionThatStaysUntilTheNextCount() throws Exception {
    // Progress is stored at most once per interval, the latest then: each count must outlast one
    // interval by far, or a busy machine stores the next count in its place.
    LaneConfig config = LaneFixture.fastRetries().toBuilder().progressInterval(Duration.ofMillis(50)).build();
    try (LaneFixture f = new LaneFixture(dir, Map.of("exec", LaneFixture.execHandler(dir, ExecOptions.defaults())),
        config)) {
      Path script = f.script("steps.sh", "for i in 1 2 3 4; do echo \"[$i/4] part $i\"; echo detail; sleep 0.5; done");
      TaskId id = f.submit("exec", command("sh", script.toString()));
      f.awaitEnd(id, Duration.ofSeconds(20));
      List<Double> fractions = f.events(id).stream().map(TaskEvent::progress).filter(Objects::nonNull)
          .map(p -> p.fraction()).filter(Objects::nonNull).distinct().toList();
      assertThat(fractions).containsSubsequence(0.25, 0.5, 0.75);
    }
  }

  @Test
  void aPlainCommandThatSaysNothingOfProgressHasNoFraction() throws Exception {
    try (LaneFixture f = new LaneFixture(dir, Map.of("exec", LaneFixture.execHandler(dir, ExecOptions.defaults())))) {
      TaskId id = f.submit("exec", command("sh", "-c", "echo one; sleep 0.3; echo two"));
      f.awaitEnd(id, Duration.ofSeconds(20));
      assertThat(f.events(id)).extracting(TaskEvent::progress).filteredOn(Objects::nonNull)
          .allMatch(p -> p.fraction() == null);
    }
  }

  @Test
  void claudesTodoListIsThePlanItsShareDoneTheFraction() {
    StreamJsonParser p = new StreamJsonParser();
    p.read("{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"Let me plan.\"}]}}");
    assertThat(p.fraction()).isNull(); // turns alone say nothing of how many are left
    ProgressParser.Reading r = p.read("{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"tool_use\","
        + "\"name\":\"TodoWrite\",\"input\":{\"todos\":["
        + "{\"content\":\"Read the code\",\"status\":\"completed\",\"activeForm\":\"Reading the code\"},"
        + "{\"content\":\"Run the tests\",\"status\":\"in_progress\",\"activeForm\":\"Running the tests\"},"
        + "{\"content\":\"Fix the bug\",\"status\":\"pending\",\"activeForm\":\"Fixing the bug\"},"
        + "{\"content\":\"Write a test\",\"status\":\"pending\",\"activeForm\":\"Writing a test\"}]}}]}}");
    assertThat(r.step()).isEqualTo("step 2: plan 1 of 4 done, now: Running the tests");
    assertThat(p.fraction()).isEqualTo(0.25);
  }

  @Test
  void codexsTodoListIsThePlanToo() {
    StreamJsonParser p = new StreamJsonParser();
    ProgressParser.Reading r = p.read("{\"type\":\"item.updated\",\"item\":{\"id\":\"i1\",\"type\":\"todo_list\","
        + "\"items\":[{\"text\":\"inspect\",\"completed\":true},{\"text\":\"patch\",\"completed\":true},"
        + "{\"text\":\"verify\",\"completed\":false}]}}");
    assertThat(r.status()).isEqualTo("plan 2 of 3 done, now: verify");
    assertThat(p.fraction()).isEqualTo(2.0 / 3);
  }
}
