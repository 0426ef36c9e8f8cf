package dev.tasklane.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tasklane.core.BusyPolicy;
import dev.tasklane.core.Origin;
import dev.tasklane.core.Task;
import dev.tasklane.store.postgres.EmbeddedPostgresServer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Right after a burst of submits, PostgreSQL's planner still counts the few tasks the table held
 * when it last looked. A claim and a batch of completions must read the few tasks they need (the
 * queue in its order, tasks by id), not the whole backlog. The rows of {@code tasks} a transaction
 * read are PostgreSQL's own count ({@code pg_stat_xact_user_tables}).
 */
class PostgresClaimReadsTest {
  private static final int BACKLOG = 3_000;
  private static final ClaimRequest EIGHT = new ClaimRequest("n", 8, Set.of("work"), 1, Map.of(), Duration.ofMinutes(5));

  private final Instant now = Instant.now();
  private Database db;
  private TaskStore store;

  @BeforeEach
  void burstOfSubmits() throws Exception {
    db = EmbeddedPostgresServer.shared().openFresh();
    store = new TaskStore(db, e -> {});
    store.migrate();
    List<CompletableFuture<?>> submits = new ArrayList<>();
    for (int i = 0; i < BACKLOG; i++) {
      NewTask t = new NewTask("s" + (i % 100), "work", TextNode.valueOf("in"), 5, 3, now, null,
          Duration.ofMinutes(30), null, null, List.of(), new Origin("web", "c1", "m1", "alice"), BusyPolicy.ENQUEUE);
      submits.add(db.writeAsync(store.submitting(t, BACKLOG, now)));
    }
    for (CompletableFuture<?> s : submits) s.get();
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void aClaimReadsAFewQueuedTasksNotTheBacklog() {
    long rowsRead = db.write(tx -> {
      long before = rowsReadFromTasks(tx);
      assertThat(ClaimSql.claim(tx, EIGHT, now).rows()).hasSize(8);
      return rowsReadFromTasks(tx) - before;
    });

    assertThat(rowsRead).isLessThan(BACKLOG / 10);
  }

  @Test
  void completionsReadTheirOwnTasksNotTheBacklog() throws Exception {
    List<Task> claimed = store.claim(EIGHT, now);
    assertThat(claimed).hasSize(8);
    // The writer is held while the count, the completions and the count again queue up behind it:
    // the three go in one batch, one transaction.
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Boolean> held = db.writeAsync(tx -> {
      try {
        return release.await(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    CompletableFuture<Long> before = db.writeAsync(PostgresClaimReadsTest::rowsReadFromTasks);
    List<CompletableFuture<Boolean>> completions = new ArrayList<>();
    for (Task t : claimed) completions.add(store.completeAsync(t.id(), t.lease().fence(), TextNode.valueOf("r"), now));
    CompletableFuture<Long> after = db.writeAsync(PostgresClaimReadsTest::rowsReadFromTasks);
    release.countDown();
    assertThat(held.get()).isTrue();
    for (CompletableFuture<Boolean> c : completions) assertThat(c.get()).isTrue();

    assertThat(after.get() - before.get()).isLessThan(BACKLOG / 10);
  }

  @Test
  void aClaimLeavesThePlannerAsItFoundItWhetherItTakesTasksOrNone() {
    ClaimRequest none = new ClaimRequest("n", 8, Set.of("another kind"), 1, Map.of(), Duration.ofMinutes(5));
    // Queued tasks it reads, none of which it may take: their kind is at its limit.
    ClaimRequest kindFull = new ClaimRequest("n", 8, Set.of("work"), 1, Map.of("work", 0), Duration.ofMinutes(5));
    List<String> settings = db.write(tx -> {
      List<String> seen = new ArrayList<>();
      assertThat(ClaimSql.claim(tx, EIGHT, now).rows()).hasSize(8);
      seen.add(planner(tx));
      assertThat(ClaimSql.claim(tx, none, now).rows()).isEmpty();
      seen.add(planner(tx));
      assertThat(ClaimSql.claim(tx, kindFull, now).rows()).isEmpty();
      seen.add(planner(tx));
      return seen;
    });

    assertThat(settings).hasSize(3).containsOnly("on on on on on");
  }

  /** The settings a claim turns off while it runs, as the transaction has them now. */
  private static String planner(Tx tx) throws SQLException {
    try (Statement st = tx.connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT current_setting('enable_sort') || ' ' || current_setting('enable_bitmapscan')"
            + " || ' ' || current_setting('enable_seqscan') || ' ' || current_setting('enable_hashjoin') || ' '"
            + " || current_setting('enable_mergejoin')")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Rows of {@code tasks} this transaction has read so far, through any index or none. */
  private static long rowsReadFromTasks(Tx tx) throws SQLException {
    try (Statement st = tx.connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0)"
            + " FROM pg_stat_xact_user_tables WHERE relname = 'tasks' AND schemaname = current_schema()")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }
}
