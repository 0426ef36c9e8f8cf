package dev.tasklane.agents.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tasklane.core.TaskFailure;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ExecInputTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[\"ls\"]                                   | a JSON object",
      "{}                                         | exactly one of",
      "{\"command\":[\"ls\"],\"shell\":\"ls\"}    | exactly one of",
      "{\"command\":\"ls -l\"}                    | non-empty array of strings",
      "{\"command\":[]}                           | non-empty array of strings",
      "{\"command\":[\"ls\", 3]}                  | only strings, found number",
      "{\"command\":[\"\"]}                       | start with a program name",
      "{\"shell\":\"  \"}                         | non-empty string",
      "{\"shell\":\"ls\",\"cwd\":\"/no/such/dir\"} | not an existing folder",
      "{\"shell\":\"ls\",\"env\":[\"A=1\"]}       | object of strings",
      "{\"shell\":\"ls\",\"env\":{\"A\":1}}       | env\".A must be a string",
      "{\"shell\":\"ls\",\"env\":{\"A=B\":\"1\"}} | invalid variable name",
      "{\"shell\":\"ls\",\"timeoutSeconds\":0}    | positive number",
      "{\"shell\":\"ls\",\"timeoutSeconds\":\"5\"} | positive number",
      "{\"shell\":\"ls\",\"timeoutSeconds\":86401} | at most 86400",
      "{\"shell\":\"ls\",\"format\":\"xml\"}      | \"plain\" or \"stream-json\", not \"xml\"",
  })
  void wrongShapesArePermanentBadInput(String json, String message) throws Exception {
    TaskFailure f = catchThrowableOfType(TaskFailure.class, () -> ExecInput.parse(JSON.readTree(json)));
    assertThat(f).isNotNull();
    assertThat(f.code()).isEqualTo("bad_input");
    assertThat(f.isRetryable()).isFalse();
    assertThat(f.getMessage()).contains(message.strip());
  }

  /**
   * A submit checks the shape alone: the folder a task runs in is the running node's to find, and
   * that node may not be the one that took the request.
   */
  @Test
  void aSubmitChecksTheShapeAndLeavesTheFolderToTheNodeThatRunsIt() throws Exception {
    ExecInput.checkShape(JSON.readTree("{\"shell\":\"ls\",\"cwd\":\"/no/such/dir\"}"));
    TaskFailure f = catchThrowableOfType(TaskFailure.class, () -> ExecInput.checkShape(JSON.readTree("{}")));
    assertThat(f).isNotNull();
    assertThat(f.getMessage()).contains("exactly one of");
  }

  @Test
  void aShellStringRunsThroughShAndTheTimeoutIsKept() throws Exception {
    ExecInput in = ExecInput.parse(JSON.readTree("{\"shell\":\"echo hi | wc -c\",\"timeoutSeconds\":86400}"));
    assertThat(in.argv()).containsExactly("sh", "-c", "echo hi | wc -c");
    assertThat(in.timeout()).isEqualTo(Duration.ofDays(1));
    assertThat(in.format()).isEqualTo(OutputFormat.PLAIN);
  }
}
