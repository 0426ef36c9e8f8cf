package dev.tasklane.attachments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.MutableClock;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskResult;
import dev.tasklane.engine.Lane;
import dev.tasklane.engine.LaneFixture;
import dev.tasklane.store.Database;
import dev.tasklane.store.sqlite.SqliteDatabase;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files on disk and rows in a real SQLite database, checked as a client and a handler would meet them. */
class AttachmentStoreTest {
  /** The first bytes of a PNG file, which is all the check looks at for images. */
  static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  @TempDir Path dir;
  final MutableClock clock = new MutableClock();
  Lane lane;
  AttachmentStore store;

  /** The database of the test: SQLite here, PostgreSQL in a subclass. */
  Database database() {
    return SqliteDatabase.open(dir.resolve("tasklane.db"));
  }

  @BeforeEach
  void open() {
    lane = Lane.builder().database(database()).clock(clock)
        .config(LaneFixture.fastConfig().retention(Duration.ofDays(7)).build())
        .handler("echo", ctx -> TaskResult.of(ctx.input())).start();
    store = AttachmentStore.open(lane.database(), dir.resolve("attachments"),
        AttachmentLimits.defaults().withMaxFileBytes(1000).withMaxPerTask(2).withMaxTaskBytes(1500), clock);
  }

  @AfterEach
  void close() {
    store.close();
    lane.close();
  }

  Attachment put(String session, String name, String type, byte[] bytes) {
    return store.put(session, name, type, new ByteArrayInputStream(bytes), "alice");
  }

  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aFileIsStoredUnderItsIdWithItsTypeCheckedAndItsNameMadeSafe() throws Exception {
    Attachment a = put("web:a", "../../etc/passwd", "text/plain", text("hello"));
    assertThat(a.name()).isEqualTo("passwd");
    assertThat(Files.readString(store.file(a))).isEqualTo("hello");
    assertThat(store.file(a).getParent()).isEqualTo(dir.resolve("attachments").toAbsolutePath());
    assertThat(a.sha256()).isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    assertThat(store.find(a.id())).contains(a);

    assertThat(put("web:a", "shot.png", null, PNG).mediaType()).isEqualTo("image/png");
    assertThat(put("web:a", "notes", "application/octet-stream", text("x")).mediaType()).isEqualTo("text/plain");
    assertThat(FileNames.safe("..\\bad\u0000name?.md")).isEqualTo("bad_name_.md");
    assertThat(FileNames.safe("...")).isEqualTo("file");
    assertThat(FileNames.safe("x".repeat(300) + ".txt")).hasSize(100).endsWith(".txt");
  }

  @Test
  void wrongTypesAndOversizedFilesAreRefusedAndNothingIsKept() throws Exception {
    assertError(() -> put("web:a", "shot.png", "image/png", text("not a png")), ErrorCode.BAD_REQUEST, "not image/png");
    assertError(() -> put("web:a", "a.txt", "text/plain", PNG), ErrorCode.BAD_REQUEST, "not text/plain");
    assertError(() -> put("web:a", "a.exe", "application/x-msdownload", text("MZ")), ErrorCode.BAD_REQUEST,
        "not accepted");
    assertError(() -> put("web:a", "bin", null, new byte[] {0, 1, 2}), ErrorCode.BAD_REQUEST, "no type accepted");
    assertError(() -> put("web:a", "big.txt", "text/plain", new byte[1001]), ErrorCode.TOO_LARGE, "1000 bytes");
    assertError(() -> put("web:a", "empty.txt", "text/plain", new byte[0]), ErrorCode.BAD_REQUEST, "empty");
    put("web:a", "edge.txt", "text/plain", text("x".repeat(1000)));
    try (var files = Files.list(dir.resolve("attachments"))) {
      assertThat(files).hasSize(1);
    }
  }

  @Test
  void aTaskMayUseOnlyItsSessionsAttachmentsWithinTheLimits() {
    Attachment one = put("web:a", "a.txt", "text/plain", text("a".repeat(800)));
    Attachment two = put("web:a", "a.txt", "text/plain", text("b".repeat(800)));
    Attachment three = put("web:a", "c.txt", "text/plain", text("c"));
    Attachment bobs = put("web:b", "b.txt", "text/plain", text("b"));
    assertError(() -> store.forSession("web:a", List.of(bobs.id())), ErrorCode.NOT_FOUND, "no attachment");
    assertError(() -> store.forSession("web:a", List.of("nonsense")), ErrorCode.NOT_FOUND, "no attachment");
    assertError(() -> store.forSession("web:a", List.of(one.id(), two.id(), three.id())), ErrorCode.TOO_LARGE,
        "at most 2");
    assertError(() -> store.forSession("web:a", List.of(one.id(), two.id())), ErrorCode.TOO_LARGE, "1600 bytes");
    assertError(() -> store.forSession("web:a", List.of(one.id(), one.id())), ErrorCode.BAD_REQUEST, "twice");

    List<Attachment> ok = store.forSession("web:a", List.of(one.id(), three.id()));
    assertThat(AttachmentStore.describe(List.of(one, two)).findValuesAsText("name"))
        .containsExactly("a.txt", "a-2.txt");

    ObjectNode input = JsonNodeFactory.instance.objectNode();
    input.set(AttachmentStore.INPUT_FIELD, AttachmentStore.describe(ok));
    Task task = lane.submit(SubmitRequest.builder("web:a", "echo").input(input).build()).task();
    assertThat(store.ofTask(task)).extracting(AttachmentStore.Named::name).containsExactly("a.txt", "c.txt");

    ObjectNode stolen = JsonNodeFactory.instance.objectNode();
    stolen.set(AttachmentStore.INPUT_FIELD, AttachmentStore.describe(List.of(bobs)));
    Task thief = lane.submit(SubmitRequest.builder("web:a", "echo").input(stolen).build()).task();
    assertThatThrownBy(() -> store.ofTask(thief)).hasMessageContaining("not stored");
  }

  @Test
  void anUnusedUploadIsPurgedAndAUsedOneLivesAsLongAsItsTask() throws Exception {
    Attachment unused = put("web:a", "u.txt", "text/plain", text("u"));
    Attachment used = put("web:a", "k.txt", "text/plain", text("k"));
    Task task = lane.submit(SubmitRequest.builder("web:a", "echo").build()).task();
    store.link(task.id(), store.forSession("web:a", List.of(used.id())));

    clock.advance(Duration.ofMinutes(59));
    assertThat(store.purge()).isZero();
    clock.advance(Duration.ofMinutes(2));
    assertThat(store.purge()).isEqualTo(1);
    assertThat(store.find(unused.id())).isEmpty();
    assertThat(Files.exists(store.file(unused))).isFalse();
    assertThat(store.find(used.id())).isPresent();

    // Once the lane's retention purged the task, its attachment goes too.
    org.awaitility.Awaitility.await().until(() -> lane.get(task.id()).map(Task::isTerminal).orElse(false));
    clock.advance(Duration.ofDays(8));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> lane.get(task.id()).isEmpty());
    assertThat(store.purge()).isEqualTo(1);
    assertThat(Files.exists(store.file(used))).isFalse();
  }

  static void assertError(Runnable r, ErrorCode code, String message) {
    assertThatThrownBy(r::run).isInstanceOfSatisfying(LaneException.class, e -> {
      assertThat(e.code()).isEqualTo(code);
      assertThat(e.getMessage()).contains(message);
    });
  }
}
