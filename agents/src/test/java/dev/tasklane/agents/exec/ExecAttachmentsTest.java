package dev.tasklane.agents.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.agents.TaskFiles;
import dev.tasklane.agents.profile.SessionFolders;
import dev.tasklane.agents.testing.LaneFixture;
import dev.tasklane.attachments.Attachment;
import dev.tasklane.attachments.AttachmentLimits;
import dev.tasklane.attachments.AttachmentStore;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.core.TaskState;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files sent with an exec task reach the command in its working folder, and only its session's. */
class ExecAttachmentsTest {
  static final Duration MAX = Duration.ofSeconds(20);
  @TempDir Path dir;
  LaneFixture f;
  AttachmentStore store;

  @BeforeEach
  void start() {
    f = new LaneFixture(dir, db -> {
      store = AttachmentStore.open(db, dir.resolve("attachments"), AttachmentLimits.defaults(), Clock.systemUTC());
      SessionFolders folders = new SessionFolders(dir.resolve("data"));
      return Map.<String, TaskHandler>of("exec", new ExecHandler(ExecOptions.defaults(),
          Environments.baseOnly(System.getenv()), folders::folder, store));
    }, LaneFixture.fastRetries());
  }

  @AfterEach
  void stop() {
    f.close();
  }

  Attachment put(String session, String name, String text) {
    return store.put(session, name, "text/plain", new ByteArrayInputStream(text.getBytes()), "alice");
  }

  Task run(String session, ObjectNode input, List<Attachment> files) {
    input.set(AttachmentStore.INPUT_FIELD, AttachmentStore.describe(files));
    return f.awaitEnd(f.submit(SubmitRequest.builder(session, "exec").input(input)), MAX);
  }

  @Test
  void theFilesAreInTheAttachmentsFolderOfTheWorkingFolderAndNamedInTheEnvironment() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    Task t = run("web:a", LaneFixture.object().put("cwd", work.toString())
        .put("shell", "cat attachments/notes.txt; echo; echo \"$" + TaskFiles.ENV + "\""),
        List.of(put("web:a", "notes.txt", "the notes")));
    assertThat(t.state()).as("%s", t.error()).isEqualTo(TaskState.COMPLETED);
    assertThat(t.result().get("output").asText())
        .isEqualTo("the notes\n" + work.resolve("attachments/notes.txt").toAbsolutePath());
  }

  @Test
  void aCommandWithoutAFolderRunsInItsSessionsFolderWithTheFilesThere() throws Exception {
    Task t = run("web:a", LaneFixture.object().put("shell", "cat \"$" + TaskFiles.ENV + "\"; echo; pwd"),
        List.of(put("web:a", "a.txt", "from a")));
    assertThat(t.state()).as("%s", t.error()).isEqualTo(TaskState.COMPLETED);
    String[] lines = t.result().get("output").asText().split("\n");
    assertThat(lines[0]).isEqualTo("from a");
    Path session = new SessionFolders(dir.resolve("data")).folder("web:a");
    assertThat(lines[1]).isEqualTo(session.toRealPath().toString());
    assertThat(session.resolve("attachments/a.txt")).hasContent("from a");
  }

  @Test
  void anotherSessionsFileIsRefusedAndTheCommandDoesNotRun() {
    Path marker = dir.resolve("ran");
    Task t = run("web:a", LaneFixture.object().put("shell", "touch " + marker),
        List.of(put("web:b", "secret.txt", "bob's")));
    assertThat(t.state()).isEqualTo(TaskState.FAILED);
    assertThat(t.error().code()).isEqualTo("bad_input");
    assertThat(marker).doesNotExist();
  }
}
