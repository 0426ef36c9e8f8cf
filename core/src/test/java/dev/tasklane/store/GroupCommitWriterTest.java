package dev.tasklane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nobody hears of a write before the log holding it was synced: not its caller, not its
 * after-commit actions; meanwhile the writer commits the next batch.
 */
class GroupCommitWriterTest {
  @TempDir Path dir;
  private final GatedLog log = new GatedLog();
  private TestWriter db;
  private GroupCommitWriter writer;

  /** A log whose syncs wait for a permit each, or fail when told to. */
  static final class GatedLog implements CommitAcknowledger.Log {
    final Semaphore permits = new Semaphore(0);
    final AtomicReference<IOException> failure = new AtomicReference<>();
    volatile int syncs;

    @Override
    public void sync() throws IOException {
      permits.acquireUninterruptibly();
      syncs++;
      IOException e = failure.get();
      if (e != null) throw e;
    }

    @Override
    public void close() {}
  }

  @BeforeEach
  void open() throws Exception {
    db = TestWriter.open(dir.resolve("w.db"), "t (v INTEGER)", 512, new CommitAcknowledger(log, "test-sync"));
    writer = db.writer();
  }

  @AfterEach
  void close() throws Exception {
    log.permits.release(1_000);
    db.close();
  }

  private static SqlWork<Integer> insert(int v, List<String> actions) {
    return tx -> {
      try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO t (v) VALUES (?)")) {
        ps.setInt(1, v);
        ps.executeUpdate();
      }
      tx.afterCommit(() -> actions.add("after " + v));
      return v;
    };
  }

  private long committedRows() throws Exception {
    return db.rows("t");
  }

  @Test
  void aLoneWriteIsAcknowledgedOnlyAfterTheLogIsSynced() throws Exception {
    List<String> actions = new CopyOnWriteArrayList<>();
    CompletableFuture<Integer> write = writer.submitAsync(insert(1, actions));
    // Committed (another connection sees it) while the sync is held: not acknowledged yet.
    await().atMost(Duration.ofSeconds(5)).until(() -> committedRows() == 1);
    Thread.sleep(50);
    assertThat(write).isNotDone();
    assertThat(actions).isEmpty();

    log.permits.release();
    assertThat(write.get()).isEqualTo(1);
    assertThat(actions).containsExactly("after 1");
  }

  @Test
  void theWriterCommitsTheNextBatchWhileTheSyncOfOneIsHeld() throws Exception {
    List<String> actions = new CopyOnWriteArrayList<>();
    HeldWriter held = new HeldWriter();
    CompletableFuture<Integer> one = writer.submitAsync(held.unit(insert(1, actions)));
    held.awaitHeld();
    CompletableFuture<Integer> two = writer.submitAsync(insert(2, actions)); // waits behind the first batch
    held.release();
    // The first batch's sync is held; the second batch commits meanwhile.
    await().atMost(Duration.ofSeconds(5)).until(() -> committedRows() == 2);
    Thread.sleep(50);
    assertThat(one).isNotDone();
    assertThat(two).isNotDone();
    assertThat(actions).isEmpty();

    log.permits.release(2);
    assertThat(one.get()).isEqualTo(1);
    assertThat(two.get()).isEqualTo(2);
    assertThat(actions).containsExactly("after 1", "after 2"); // in commit order
  }

  @Test
  void theNextBatchIsAcknowledgedWhileTheCallersOfOneAreStillBeingWoken() throws Exception {
    List<String> actions = new CopyOnWriteArrayList<>();
    HeldWriter held = new HeldWriter();
    CompletableFuture<Integer> one = writer.submitAsync(held.unit(insert(1, actions)));
    held.awaitHeld();
    CompletableFuture<Integer> two = writer.submitAsync(insert(2, actions)); // queued: both go to the sync thread
    // The first caller's wake-up runs a slow callback (as a caller's own code may be).
    CountDownLatch callerWaking = new CountDownLatch(1);
    CountDownLatch callerDone = new CountDownLatch(1);
    one.thenRun(() -> {
      callerWaking.countDown();
      try {
        callerDone.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    held.release();
    await().atMost(Duration.ofSeconds(5)).until(() -> committedRows() == 2);

    log.permits.release(10);
    assertThat(callerWaking.await(5, TimeUnit.SECONDS)).isTrue();
    // While the first caller is being woken, the second batch is synced and its actions run.
    await().atMost(Duration.ofSeconds(5)).until(() -> actions.contains("after 2"));
    CompletableFuture<Integer> three = writer.submitAsync(insert(3, actions));
    await().atMost(Duration.ofSeconds(5)).until(() -> actions.contains("after 3"));
    assertThat(actions).containsExactly("after 1", "after 2", "after 3");

    callerDone.countDown();
    assertThat(two.get()).isEqualTo(2);
    assertThat(three.get()).isEqualTo(3);
  }

  @Test
  void callersAreWokenWhileVirtualThreadsKeepEveryCarrierBusy() throws Exception {
    log.permits.release(10);
    HeldWriter held = new HeldWriter();
    CompletableFuture<Integer> one = writer.submitAsync(held.unit(tx -> 1));
    held.awaitHeld();
    CompletableFuture<Integer> two = writer.submitAsync(tx -> 2); // queued: both go to the sync thread
    // Handlers that compute until told to stop, as many as there are carriers and more.
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> busy = new ArrayList<>();
    for (int i = 0; i < Runtime.getRuntime().availableProcessors() * 2; i++) {
      busy.add(Thread.ofVirtual().start(() -> {
        while (!stop.get()) Thread.onSpinWait();
      }));
    }
    try {
      held.release();
      assertThat(one.get(5, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(two.get(5, TimeUnit.SECONDS)).isEqualTo(2);
    } finally {
      stop.set(true);
      for (Thread t : busy) t.join();
    }
  }

  @Test
  void aCallbackOnTheWakingThreadCannotWriteAndWaitForItself() throws Exception {
    HeldWriter held = new HeldWriter();
    CompletableFuture<Integer> one = writer.submitAsync(held.unit(tx -> 1));
    held.awaitHeld();
    writer.submitAsync(t -> 2); // queued behind it: the first batch is acknowledged by the sync thread
    CompletableFuture<Throwable> nested = new CompletableFuture<>();
    one.thenRun(() -> {
      try {
        writer.submit(t -> 3);
        nested.complete(null);
      } catch (RuntimeException e) {
        nested.complete(e);
      }
    });
    held.release();
    log.permits.release(10);
    assertThat(nested.get(5, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nested write");
  }

  @Test
  void aFailedSyncFailsTheWritesItCoveredAndRunsNoAfterCommitAction() throws Exception {
    List<String> actions = new CopyOnWriteArrayList<>();
    log.failure.set(new IOException("disk gone"));
    CompletableFuture<Integer> write = writer.submitAsync(insert(1, actions));
    log.permits.release();
    assertThatThrownBy(write::get).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(StoreException.class).hasMessageContaining("could not be made durable")
        .hasMessageContaining("disk gone");
    assertThat(actions).isEmpty();

    log.failure.set(null);
    log.permits.release(10);
    assertThat(writer.submit(insert(2, actions))).isEqualTo(2); // the next sync works again
  }

  @Test
  void anAfterCommitActionCannotWriteAndWaitForItself() throws Exception {
    log.permits.release(10);
    CompletableFuture<Throwable> nested = new CompletableFuture<>();
    writer.submit(tx -> {
      tx.afterCommit(() -> {
        try {
          writer.submit(t -> 1);
          nested.complete(null);
        } catch (RuntimeException e) {
          nested.complete(e);
        }
      });
      return null;
    });
    assertThat(nested.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("nested write");
  }

  @Test
  void closingAcknowledgesWhatWasCommitted() throws Exception {
    List<String> actions = new CopyOnWriteArrayList<>();
    CompletableFuture<Integer> write = writer.submitAsync(insert(1, actions));
    log.permits.release(10);
    writer.close();
    assertThat(write).isCompletedWithValue(1);
    assertThat(log.syncs).isPositive();
  }
}
