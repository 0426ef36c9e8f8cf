package dev.tasklane.attachments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Task;
import dev.tasklane.store.Database;
import dev.tasklane.store.postgres.EmbeddedPostgresServer;
import dev.tasklane.store.postgres.PostgresDatabase;
import dev.tasklane.store.postgres.PostgresOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AttachmentStoreTest} on PostgreSQL (a schema of its own per test), and what only a shared
 * database has: a second node, with its own folder, on the same schema.
 */
class PostgresAttachmentStoreTest extends AttachmentStoreTest {
  private PostgresOptions schema;
  private Database otherDb;
  private AttachmentStore other;

  @Override
  Database database() {
    schema = EmbeddedPostgresServer.shared().freshSchema();
    return PostgresDatabase.open(schema);
  }

  /** Another node's store: the same database, a folder of its own. */
  private AttachmentStore otherNode() {
    otherDb = PostgresDatabase.open(schema);
    other = AttachmentStore.open(otherDb, dir.resolve("other-node"), AttachmentLimits.defaults(), clock);
    return other;
  }

  @AfterEach
  void closeOtherNode() {
    if (other != null) other.close();
    if (otherDb != null) otherDb.close();
  }

  @Test
  void aFileTakenOnOneNodeIsServedAndHandedToATaskOnAnother() throws Exception {
    Attachment a = put("web:a", "notes.md", "text/markdown", text("# plan"));
    AttachmentStore b = otherNode();
    assertThat(b.find(a.id())).contains(a);
    Path copy = b.file(a);
    assertThat(copy.getParent()).isEqualTo(dir.resolve("other-node").toAbsolutePath());
    assertThat(Files.readString(copy)).isEqualTo("# plan");

    ObjectNode input = JsonNodeFactory.instance.objectNode();
    input.set(AttachmentStore.INPUT_FIELD, AttachmentStore.describe(List.of(a)));
    Task task = lane.submit(SubmitRequest.builder("web:a", "echo").input(input).build()).task();
    Files.delete(copy);
    List<AttachmentStore.Named> files = b.ofTask(task);
    assertThat(files).extracting(AttachmentStore.Named::name).containsExactly("notes.md");
    assertThat(Files.readString(files.get(0).file())).isEqualTo("# plan");
  }

  @Test
  void bytesThatDoNotMatchTheFileStoredAreNotHandedOut() throws Exception {
    Attachment a = put("web:a", "n.txt", "text/plain", text("right"));
    try (Database db = PostgresDatabase.open(schema)) {
      db.writeApart(tx -> {
        try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE attachment_bytes SET data = ? WHERE id = ?")) {
          ps.setBytes(1, text("wrong"));
          ps.setString(2, a.id());
          return ps.executeUpdate();
        }
      });
    }
    assertThat(Files.exists(otherNode().file(a))).isFalse();
  }

  @Test
  void aPurgedFileLeavesTheDatabaseAndEveryNodesCopyGoesAfterAGrace() throws Exception {
    Attachment purged = put("web:a", "p.txt", "text/plain", text("p"));
    Attachment kept = put("web:a", "k.txt", "text/plain", text("k"));
    store.link(lane.submit(SubmitRequest.builder("web:a", "echo").build()).task().id(),
        store.forSession("web:a", List.of(kept.id())));
    AttachmentStore b = otherNode();
    Path purgedCopy = b.file(purged);
    Path keptCopy = b.file(kept);

    clock.advance(Duration.ofMinutes(61));
    assertThat(store.purge()).isEqualTo(1);
    assertThat(bytesRows()).isEqualTo(1);
    // The other node's copy of a file just purged stays through the grace, then goes; a kept file's stays.
    Files.setLastModifiedTime(purgedCopy, FileTime.from(clock.instant().minus(AttachmentStore.COPY_GRACE)
        .plusSeconds(30)));
    Files.setLastModifiedTime(keptCopy, FileTime.from(clock.instant().minus(Duration.ofDays(1))));
    assertThat(b.purge()).isZero();
    assertThat(purgedCopy).exists();
    clock.advance(Duration.ofMinutes(1));
    b.purge();
    assertThat(purgedCopy).doesNotExist();
    assertThat(keptCopy).exists();
  }

  private long bytesRows() {
    return lane.database().read(tx -> {
      try (PreparedStatement ps = tx.connection().prepareStatement("SELECT COUNT(*) FROM attachment_bytes");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }
}
