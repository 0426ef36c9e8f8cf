package dev.tasklane.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tasklane.core.BusyPolicy;
import dev.tasklane.core.Origin;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.store.ClaimRequest;
import dev.tasklane.store.Database;
import dev.tasklane.store.NewTask;
import dev.tasklane.store.TaskStore;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session's tasks are found whether their session rows are still recent or were moved into the
 * session index: by a quiet writer, or by a busy one past the cap.
 */
class SessionTasksTest {
  @TempDir Path dir;
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private Database db;
  private TaskStore store;

  @AfterEach
  void close() {
    if (db != null) db.close();
  }

  /**
   * A store whose writer moves recent rows when quiet past {@code idleMove}, lightly loaded past
   * {@code lightMove}, or inline at {@code cap}, {@code chunk} at a time.
   */
  private void open(int idleMove, int lightMove, int cap, int chunk) {
    db = SqliteDatabase.open(dir.resolve("tasks.db"), SqliteOptions.defaults(),
        new SessionTasks(idleMove, lightMove, cap, chunk));
    store = new TaskStore(db, e -> {});
    store.migrate();
  }

  private Task submit(String session) {
    NewTask t = new NewTask(session, "work", TextNode.valueOf("in"), 5, 3, now, null, Duration.ofMinutes(30), null,
        null, List.of(), Origin.NONE, BusyPolicy.PARALLEL);
    return store.submit(t, 1_000, now).task();
  }

  private long rows(String table) {
    return db.read(tx -> {
      try (PreparedStatement ps = tx.connection().prepareStatement("SELECT COUNT(*) FROM " + table);
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private List<TaskId> listed(String session) {
    return store.list(TaskQuery.session(session).withLimit(100)).items().stream().map(Task::id).toList();
  }

  @Test
  void aBusyWriterMovesAChunkOfRecentRowsWhenTheyReachTheCap() {
    open(1_000, 1_000, 4, 3); // idle moves far off: only the cap moves rows here
    List<TaskId> alice = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      alice.add(submit("web:alice").id());
      submit("web:bob");
    }
    // The 4th submit reached the cap and moved the 3 oldest rows; three are recent again, below it.
    assertThat(rows("session_tasks")).isEqualTo(3);
    assertThat(rows("session_tasks_recent")).isEqualTo(3);
    alice.add(submit("web:alice").id()); // the 4th recent row: the next 3 move
    assertThat(rows("session_tasks")).isEqualTo(6);
    assertThat(rows("session_tasks_recent")).isEqualTo(1);
    assertThat(listed("web:alice")).containsExactlyElementsOf(alice.reversed());
    assertThat(listed("web:bob")).hasSize(3);
  }

  @Test
  void aQuietWriterMovesRecentRowsOnceThereAreEnough() {
    open(3, 1_000, 1_000, 100);
    submit("web:alice");
    submit("web:alice");
    // Fewer than three: they stay recent, however quiet the writer.
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
        .until(() -> rows("session_tasks_recent") == 2);
    submit("web:bob");
    await().atMost(Duration.ofSeconds(5)).until(() -> rows("session_tasks_recent") == 0);
    assertThat(rows("session_tasks")).isEqualTo(3);
    assertThat(listed("web:alice")).hasSize(2);
    assertThat(listed("web:bob")).hasSize(1);
  }

  @Test
  void aLightlyLoadedWriterMovesRecentRowsWithoutWaitingForQuiet() {
    open(1_000, 3, 1_000, 100); // a quiet writer would wait for 1,000; the cap is as far
    submit("web:alice");
    submit("web:alice");
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
        .until(() -> rows("session_tasks_recent") == 2);
    submit("web:bob"); // the third: after its commit, with nothing else waiting, the rows move
    await().atMost(Duration.ofSeconds(5)).until(() -> rows("session_tasks_recent") == 0);
    assertThat(rows("session_tasks")).isEqualTo(3);
    assertThat(listed("web:alice")).hasSize(2);
  }

  @Test
  void pagesEventsAndPurgeSpanMovedAndRecentRows() {
    open(1_000, 1_000, 4, 2);
    List<TaskId> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) ids.add(submit("web:alice").id());
    assertThat(rows("session_tasks")).isEqualTo(2); // the cap moved the two oldest
    assertThat(rows("session_tasks_recent")).isEqualTo(3);

    var first = store.list(TaskQuery.session("web:alice").withLimit(3));
    var second = store.list(TaskQuery.session("web:alice").withLimit(3).withCursor(first.nextCursor()));
    assertThat(first.items()).extracting(Task::id).containsExactly(ids.get(4), ids.get(3), ids.get(2));
    assertThat(second.items()).extracting(Task::id).containsExactly(ids.get(1), ids.get(0));
    assertThat(second.nextCursor()).isNull();
    assertThat(store.eventsAfter("web:alice", 0, 100)).extracting(TaskEvent::taskId).containsExactlyElementsOf(ids);

    // The oldest (moved) and the newest (recent) end; the purge takes both out of the session's tasks.
    for (TaskId id : List.of(ids.get(0), ids.get(4))) {
      assertThat(store.cancel(id, now).orElseThrow().task().isTerminal()).isTrue();
    }
    assertThat(store.purge(now.plusSeconds(1))).isEqualTo(2);
    assertThat(listed("web:alice")).containsExactly(ids.get(3), ids.get(2), ids.get(1));
    assertThat(rows("session_tasks") + rows("session_tasks_recent")).isEqualTo(3);
  }

  @Test
  void recentRowsLeftByAnEarlierRunCountTowardsTheCap() {
    open(1_000, 1_000, 3, 10);
    submit("web:alice");
    submit("web:alice");
    db.close();
    db = SqliteDatabase.open(dir.resolve("tasks.db"), SqliteOptions.defaults(),
        new SessionTasks(1_000, 1_000, 3, 10));
    store = new TaskStore(db, e -> {});
    store.migrate();
    submit("web:alice"); // the third recent row, counted with the two of before: the cap moves all
    assertThat(rows("session_tasks_recent")).isZero();
    assertThat(listed("web:alice")).hasSize(3);
  }

  @Test
  void claimsAndCompletionsDoNotTouchTheSessionRows() {
    open(1_000, 1_000, 1_000, 10);
    Task t = submit("web:alice");
    var claimed = store.claim(new ClaimRequest("node", 1, Set.of("work"), 1, Map.of(), Duration.ofSeconds(30)), now);
    store.complete(t.id(), claimed.getFirst().lease().fence(), null, now);
    assertThat(rows("session_tasks_recent")).isEqualTo(1);
    assertThat(listed("web:alice")).containsExactly(t.id());
  }
}
