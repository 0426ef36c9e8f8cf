package dev.tasklane.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tasklane.core.EventType;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskState;
import dev.tasklane.store.ClaimRequest;
import dev.tasklane.store.Database;
import dev.tasklane.store.NewTask;
import dev.tasklane.store.SqlWork;
import dev.tasklane.store.TaskStore;
import dev.tasklane.store.TaskStoreContract;
import dev.tasklane.store.Tx;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real PostgreSQL, a fresh schema per test; and what holds only because
 * several connections (next, several nodes) write to it at once.
 */
class PostgresTaskStoreTest extends TaskStoreContract {
  private PostgresOptions schema;

  @Override
  protected Database open(Path dir) {
    schema = EmbeddedPostgresServer.shared().freshSchema();
    return PostgresDatabase.open(schema);
  }

  /** Another process's store on the same database. */
  private Database secondConnection() {
    return PostgresDatabase.open(schema);
  }

  /**
   * Transaction A takes event id N and stays open; B, on another connection, takes N + 1 and commits
   * first. A reader that moved its cursor to N + 1 would never see N: readers stop at the settled
   * horizon, below A's id while A is in flight, so resuming after whatever they saw gets both, in
   * id order, once. An id whose transaction rolls back holds readers back only until it ends.
   */
  @Test
  void anEventCommittedLaterThanAHigherNumberedOneStillReachesAReaderResumingAfterIt() throws Exception {
    try (Database other = secondConnection()) {
      TaskStore otherStore = new TaskStore(other, e -> {});
      CountDownLatch inserted = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Task> held = holdOpen(task("a"), inserted, release, false);
      assertThat(inserted.await(10, TimeUnit.SECONDS)).isTrue();
      Task b = otherStore.submit(task("b"), 50, now).task(); // committed while A is open

      List<TaskEvent> seenBeforeACommits = store.eventsAfter(null, 0, 100);
      assertThat(seenBeforeACommits).as("nothing past A's open id").isEmpty();
      assertThat(store.lastEventId()).as("a cursor for new events stays below A's id").isZero();
      release.countDown();
      Task a = held.get(10, TimeUnit.SECONDS);

      List<TaskEvent> resumed = store.eventsAfter(null, 0, 100);
      assertThat(resumed).extracting(TaskEvent::taskId).containsExactly(a.id(), b.id());
      assertThat(resumed.get(0).id()).isLessThan(resumed.get(1).id());

      // A transaction that took the next id rolls back after another committed a later one.
      CountDownLatch inserted2 = new CountDownLatch(1);
      CountDownLatch release2 = new CountDownLatch(1);
      CompletableFuture<Task> rolledBack = holdOpen(task("c"), inserted2, release2, true);
      assertThat(inserted2.await(10, TimeUnit.SECONDS)).isTrue();
      Task d = otherStore.submit(task("d"), 50, now).task();
      long cursor = resumed.getLast().id();
      assertThat(store.eventsAfter(null, cursor, 100)).isEmpty();
      release2.countDown();
      assertThat(rolledBack).failsWithin(Duration.ofSeconds(10));
      assertThat(store.eventsAfter(null, cursor, 100)).extracting(TaskEvent::taskId).containsExactly(d.id());
    }
  }

  /** Submits {@code t} in a write that stays open, after it took its ids, until {@code release}. */
  private CompletableFuture<Task> holdOpen(NewTask t, CountDownLatch inserted, CountDownLatch release, boolean fail) {
    return OpenWrites.hold(db, tx -> store.submitting(t, 50, now).run(tx).task(), inserted, release, fail);
  }

  /**
   * Other connections take ids from the same sequence while a claim takes its own, so the ids it
   * gets need not be consecutive (here the sequence steps by 3): each claimed task's started event
   * gets its own id, and what is published is what is stored.
   */
  @Test
  void eventsOfAClaimKeepTheirIdsWhenTheIdsTakenAreNotConsecutive() {
    List<Task> submitted = List.of(submit(task("a")), submit(task("b")), submit(task("c")));
    db.write(tx -> {
      try (var st = tx.connection().createStatement()) {
        st.execute("ALTER SEQUENCE task_events_id_seq INCREMENT BY 3");
      }
      return null;
    });
    published.clear();

    List<Task> claimed = claim(3);
    store.complete(claimed.getFirst().id(), claimed.getFirst().lease().fence(), TextNode.valueOf("ok"), now);

    assertThat(claimed).extracting(Task::id)
        .containsExactlyInAnyOrderElementsOf(submitted.stream().map(Task::id).toList());
    List<TaskEvent> stored = store.eventsAfter(null, 0, 100).stream()
        .filter(e -> e.type() != EventType.CREATED).toList();
    assertThat(stored).extracting(TaskEvent::type)
        .containsExactly(EventType.STARTED, EventType.STARTED, EventType.STARTED, EventType.COMPLETED);
    assertThat(stored.subList(0, 3)).extracting(TaskEvent::taskId)
        .containsExactlyElementsOf(claimed.stream().map(Task::id).toList());
    assertThat(published).containsExactlyElementsOf(stored);
  }

  /**
   * Two nodes' batches lock two rows in opposite orders: one of them, or both, gives way (its wait
   * for the lock runs out, or PostgreSQL breaks the deadlock by failing it). That batch runs again,
   * and its unit succeeds: no caller is told a write failed because another transaction collided
   * with it.
   */
  @Test
  void aBatchThatDeadlocksWithAnotherNodesRunsAgainAndSucceeds() throws Exception {
    createCollide();
    try (Database other = secondConnection()) {
      CountDownLatch firstLocked = new CountDownLatch(1);
      CountDownLatch secondLocked = new CountDownLatch(1);
      CompletableFuture<Void> one = db.writeAsync(tx -> bumpBoth(tx.connection(), 1, 2, firstLocked, secondLocked));
      CompletableFuture<Void> two = other.writeAsync(tx -> bumpBoth(tx.connection(), 2, 1, secondLocked, firstLocked));

      assertThat(one).succeedsWithin(Duration.ofSeconds(20));
      assertThat(two).succeedsWithin(Duration.ofSeconds(20));
      assertThat(db.retriedWrites() + other.retriedWrites()).isPositive();
      assertThat(collideRows()).as("each unit applied once").isEqualTo("1=2,2=2,3=0,4=0");
    }
  }

  /**
   * The same with a batch of several units on each side: the batch that lost runs its units again
   * one by one, and every caller succeeds.
   */
  @Test
  void aBatchOfSeveralUnitsThatDeadlocksRunsItsUnitsAgainOneByOne() throws Exception {
    createCollide();
    try (Database other = secondConnection()) {
      CountDownLatch firstLocked = new CountDownLatch(1);
      CountDownLatch secondLocked = new CountDownLatch(1);
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      writes.addAll(oneBatch(db, tx -> bumpBoth(tx.connection(), 1, 2, firstLocked, secondLocked), 3));
      writes.addAll(oneBatch(other, tx -> bumpBoth(tx.connection(), 2, 1, secondLocked, firstLocked), 4));

      for (CompletableFuture<Void> w : writes) assertThat(w).succeedsWithin(Duration.ofSeconds(20));
      assertThat(db.retriedWrites() + other.retriedWrites()).isPositive();
      assertThat(collideRows()).as("each unit applied once").isEqualTo("1=2,2=2,3=1,4=1");
    }
  }

  /** {@code work} and a bump of row {@code k}, queued behind a write held open so that they commit as one batch. */
  private static List<CompletableFuture<Void>> oneBatch(Database d, SqlWork<Void> work, int k) throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> blocker = OpenWrites.hold(d, tx -> null, held, release, false);
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> first = d.writeAsync(work);
    CompletableFuture<Void> second = d.writeAsync(tx -> {
      try (var ps = tx.connection().prepareStatement("UPDATE collide SET v = v + 1 WHERE k = ?")) {
        ps.setInt(1, k);
        ps.executeUpdate();
      }
      return null;
    });
    release.countDown();
    return List.of(blocker, first, second);
  }

  /**
   * A write apart (a file's bytes) commits on a connection of its own while the writer's batch is
   * still open, and one that fails leaves nothing behind.
   */
  @Test
  void aWriteApartCommitsBesideTheWritersBatchAndAFailedOneLeavesNothing() throws Exception {
    createCollide();
    CountDownLatch batchOpen = new CountDownLatch(1);
    CountDownLatch apartDone = new CountDownLatch(1);
    CompletableFuture<Void> batch = db.writeAsync(tx -> {
      batchOpen.countDown();
      try {
        assertThat(apartDone.await(10, TimeUnit.SECONDS)).as("the write apart did not wait for the batch").isTrue();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      bump(tx.connection(), 3);
      return null;
    });
    assertThat(batchOpen.await(10, TimeUnit.SECONDS)).isTrue();
    db.writeApart(tx -> bump(tx.connection(), 4));
    apartDone.countDown();
    assertThat(batch).succeedsWithin(Duration.ofSeconds(10));

    assertThatThrownBy(() -> db.writeApart(tx -> {
      bump(tx.connection(), 1);
      throw new IllegalStateException("the work failed");
    })).hasMessage("the work failed");
    assertThat(collideRows()).isEqualTo("1=0,2=0,3=1,4=1");
  }

  private static Void bump(Connection c, int k) throws SQLException {
    try (var st = c.createStatement()) {
      st.execute("UPDATE collide SET v = v + 1 WHERE k = " + k);
    }
    return null;
  }

  private void createCollide() {
    db.write(tx -> {
      try (var st = tx.connection().createStatement()) {
        st.execute("CREATE TABLE collide (k INT PRIMARY KEY, v INT NOT NULL)");
        st.execute("INSERT INTO collide VALUES (1, 0), (2, 0), (3, 0), (4, 0)");
      }
      return null;
    });
  }

  private String collideRows() {
    return db.read(tx -> {
      try (var st = tx.connection().createStatement();
          var rs = st.executeQuery("SELECT string_agg(k || '=' || v, ',' ORDER BY k) FROM collide")) {
        rs.next();
        return rs.getString(1);
      }
    });
  }

  /** Locks row {@code first}, waits for the other transaction to lock its row, then locks {@code second}. */
  private static Void bumpBoth(java.sql.Connection c, int first, int second, CountDownLatch locked,
      CountDownLatch otherLocked) throws java.sql.SQLException {
    try (var ps = c.prepareStatement("UPDATE collide SET v = v + 1 WHERE k = ?")) {
      ps.setInt(1, first);
      ps.executeUpdate();
      locked.countDown();
      try {
        otherLocked.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      ps.setInt(1, second);
      ps.executeUpdate();
    }
    return null;
  }

  /**
   * Another connection holds the row of a session's first task, as a claim does with its candidates
   * when it cannot take them all: the session's second task must wait, not start first.
   */
  @Test
  void aSessionsNextTaskWaitsWhileAnotherClaimHoldsItsFirst() throws Exception {
    Task first = store.submit(task("s"), 50, now).task();
    Task second = store.submit(task("s"), 50, now).task();
    Task elsewhere = store.submit(task("t"), 50, now).task();
    try (Database other = secondConnection()) {
      CountDownLatch locked = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Integer> holding = OpenWrites.hold(other, tx -> lockRow(tx, first), locked, release, false);
      assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();

      assertThat(store.claim(new ClaimRequest("n", 10, Set.of("work"), 1, Map.of(), Duration.ofMinutes(1)), now))
          .extracting(Task::id).containsExactly(elsewhere.id());

      release.countDown();
      assertThat(holding.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }
    assertThat(store.claim(new ClaimRequest("n", 10, Set.of("work"), 1, Map.of(), Duration.ofMinutes(1)), now))
        .extracting(Task::id).containsExactly(first.id());
    assertThat(store.find(second.id()).orElseThrow().state()).isEqualTo(TaskState.QUEUED);
  }

  private static int lockRow(Tx tx, Task t) throws SQLException {
    try (var ps = tx.connection().prepareStatement("SELECT id FROM tasks WHERE id = ? FOR UPDATE")) {
      ps.setLong(1, t.id().value());
      try (var rs = ps.executeQuery()) {
        int n = 0;
        while (rs.next()) n++;
        return n;
      }
    }
  }

  /**
   * Two stores claim and complete the tasks of many sessions at once, each on its own connection:
   * no session ever runs two of its tasks at a time nor one before an older one, and no task is
   * claimed twice.
   */
  @Test
  void oneTaskPerSessionRunsAtATimeAcrossConnections() throws Exception {
    // Few sessions and claims of two: one claim's candidates hold a session's next task while another
    // claim takes that session's first.
    int sessions = 3;
    int perSession = 10;
    for (int t = 0; t < perSession; t++) {
      for (int s = 0; s < sessions; s++) store.submit(task("s" + s), 50, now);
    }
    try (Database other = secondConnection()) {
      List<TaskStore> stores = List.of(store, new TaskStore(other, e -> {}));
      Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
      Set<Long> claimed = ConcurrentHashMap.newKeySet();
      Map<String, Long> lastStarted = new ConcurrentHashMap<>();
      List<String> violations = new CopyOnWriteArrayList<>();
      AtomicInteger done = new AtomicInteger();
      List<CompletableFuture<Void>> workers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        TaskStore mine = stores.get(w % 2);
        String node = "node-" + w;
        workers.add(CompletableFuture.runAsync(() -> {
          long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
          while (done.get() < sessions * perSession && System.nanoTime() < until) {
            List<Task> got =
                mine.claim(new ClaimRequest(node, 2, Set.of("work"), 1, Map.of(), Duration.ofMinutes(1)), now);
            for (Task t : got) {
              if (!claimed.add(t.id().value())) violations.add("claimed twice: " + t.id());
              if (running.computeIfAbsent(t.sessionKey(), k -> new AtomicInteger()).incrementAndGet() > 1) {
                violations.add("two running in " + t.sessionKey());
              }
              long before = lastStarted.getOrDefault(t.sessionKey(), 0L);
              if (t.id().value() < before) violations.add(t.id() + " started after " + before);
              lastStarted.merge(t.sessionKey(), t.id().value(), Math::max);
            }
            for (Task t : got) {
              running.get(t.sessionKey()).decrementAndGet(); // before the completion can let the next start
              mine.complete(t.id(), t.lease().fence(), TextNode.valueOf("ok"), now);
              done.incrementAndGet();
            }
          }
        }));
      }
      CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      assertThat(violations).isEmpty();
      assertThat(done.get()).isEqualTo(sessions * perSession);
      assertThat(new HashSet<>(store.countByState().entrySet()))
          .contains(Map.entry(TaskState.COMPLETED, (long) sessions * perSession));
    }
  }

  /**
   * This process's write holds session a's pending count and waits for b's; another transaction
   * holds b's and waits for a's. Both connections find a deadlock only after a minute here (the
   * server's default is 1 s): the writer gives way after a short wait instead, so the other goes on
   * at once, and the writer's unit runs again, waiting its turn, and commits.
   */
  @Test
  void aWriteThatWouldDeadlockWithAnotherTransactionGivesWayAndStillCommits() throws Exception {
    submit(task("a"));
    submit(task("b"));
    PostgresOptions slowDeadlockDetection = new PostgresOptions(
        schema.jdbcUrl() + "&options=-c%20deadlock_timeout%3D60s", schema.user(), schema.password(), 2, 512);
    Properties user = new Properties();
    user.setProperty("user", schema.user());
    try (Database writer = PostgresDatabase.open(slowDeadlockDetection);
        Connection other = DriverManager.getConnection(slowDeadlockDetection.jdbcUrl(), user)) {
      other.setAutoCommit(false);
      execute(other, "SET statement_timeout = 10000"); // without giving way, the test fails here, not in a minute
      execute(other, "UPDATE session_pending SET pending = pending + 100 WHERE session_key = 'b'");
      CountDownLatch holdsA = new CountDownLatch(1);
      CompletableFuture<Object> write = writer.writeAsync(tx -> {
        execute(tx.connection(), "UPDATE session_pending SET pending = pending + 10 WHERE session_key = 'a'");
        holdsA.countDown();
        execute(tx.connection(), "UPDATE session_pending SET pending = pending + 10 WHERE session_key = 'b'");
        return null;
      });
      assertThat(holdsA.await(10, TimeUnit.SECONDS)).isTrue();
      execute(other, "UPDATE session_pending SET pending = pending + 100 WHERE session_key = 'a'");
      other.commit();
      write.get(10, TimeUnit.SECONDS);
    }
    Map<String, Long> pending = db.read(tx -> pendingCounts(tx.connection()));
    assertThat(pending).containsEntry("a", 111L).containsEntry("b", 111L);
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static Map<String, Long> pendingCounts(Connection c) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT session_key, pending FROM session_pending")) {
      while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
    }
    return out;
  }
}
