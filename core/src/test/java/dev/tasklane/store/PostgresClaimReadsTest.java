package dev.tasklane.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tasklane.core.BusyPolicy;
import dev.tasklane.core.Origin;
import dev.tasklane.store.postgres.EmbeddedPostgresServer;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Right after a burst of submits, PostgreSQL's planner still counts the few tasks the table held
 * when it last looked. A claim must read the queue in its order, as far as the tasks it takes, not
 * read the whole backlog to sort it.
 */
class PostgresClaimReadsTest {
  private static final int BACKLOG = 3_000;

  @Test
  void aClaimAfterABurstOfSubmitsReadsAFewQueuedTasksNotTheBacklog() throws Exception {
    Instant now = Instant.now();
    try (Database db = EmbeddedPostgresServer.shared().openFresh()) {
      TaskStore store = new TaskStore(db, e -> {});
      store.migrate();
      List<CompletableFuture<?>> submits = new ArrayList<>();
      for (int i = 0; i < BACKLOG; i++) {
        NewTask t = new NewTask("s" + (i % 100), "work", TextNode.valueOf("in"), 5, 3, now, null,
            Duration.ofMinutes(30), null, null, List.of(), new Origin("web", "c1", "m1", "alice"), BusyPolicy.ENQUEUE);
        submits.add(db.writeAsync(store.submitting(t, BACKLOG, now)));
      }
      for (CompletableFuture<?> s : submits) s.get();
      ClaimRequest request = new ClaimRequest("n", 8, Set.of("work"), 1, Map.of(), Duration.ofMinutes(5));

      long rowsRead = db.write(tx -> {
        long before = rowsReadFromTasks(tx);
        assertThat(ClaimSql.claim(tx, request, now).rows()).hasSize(8);
        return rowsReadFromTasks(tx) - before;
      });

      assertThat(rowsRead).isLessThan(BACKLOG / 10);
    }
  }

  /** Rows of {@code tasks} this transaction has read so far, through any index or none. */
  private static long rowsReadFromTasks(Tx tx) throws java.sql.SQLException {
    try (Statement st = tx.connection().createStatement();
        ResultSet rs = st.executeQuery("SELECT COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0)"
            + " FROM pg_stat_xact_user_tables WHERE relname = 'tasks' AND schemaname = current_schema()")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }
}
