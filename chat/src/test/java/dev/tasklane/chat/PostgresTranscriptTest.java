package dev.tasklane.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.chat.ChatMessage.Role;
import dev.tasklane.chat.TranscriptSql.NewEntry;
import dev.tasklane.core.Subscription;
import dev.tasklane.store.Database;
import dev.tasklane.store.postgres.OpenWrites;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link TranscriptTest} on PostgreSQL; and entries that commit out of the order of their ids, as
 * two nodes writing to one session would commit them.
 */
class PostgresTranscriptTest extends TranscriptTest {
  private static final String SESSION = "test:race";

  @Override
  boolean onPostgresql() {
    return true;
  }

  /**
   * Writer A takes entry id N and stays open; writer B takes N + 1 and commits first. A page after
   * the cursor and a live subscription both stop below N while A is in flight, then get both in
   * id order, once; an entry whose transaction rolls back holds them back only until it ends.
   */
  @Test
  void anEntryCommittedLaterThanAHigherNumberedOneReachesReadersAndSubscribersInIdOrder() throws Exception {
    start(ChatFixture.fastConfig().build());
    try (Database a = database().get(); Database b = database().get()) {
      Transcript writerA = new Transcript(a, 100);
      Transcript writerB = new Transcript(b, 100);
      List<ChatMessage> seen = new CopyOnWriteArrayList<>();
      try (Subscription s = f.chat.subscribe(SESSION, 0, seen::add)) {
        CountDownLatch taken = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<ChatMessage> lower = holdOpen(a, writerA, "lower", taken, release, false);
        assertThat(taken.await(10, TimeUnit.SECONDS)).isTrue();
        ChatMessage higher = b.write(tx -> writerB.append(tx, entry("higher")));

        Thread.sleep(300); // the higher entry's signal has come; the lower one is still in flight
        assertThat(f.chat.transcript(SESSION, 0, 10)).as("no page passes an entry still in flight").isEmpty();
        assertThat(seen).as("nor a subscription").isEmpty();
        release.countDown();
        ChatMessage lowerEntry = lower.get(10, TimeUnit.SECONDS);
        assertThat(lowerEntry.id()).isLessThan(higher.id());
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 2);
        assertThat(seen).extracting(ChatMessage::text).containsExactly("lower", "higher");
        assertThat(f.chat.transcript(SESSION, 0, 10)).extracting(ChatMessage::text).containsExactly("lower", "higher");

        CountDownLatch taken2 = new CountDownLatch(1);
        CountDownLatch release2 = new CountDownLatch(1);
        CompletableFuture<ChatMessage> rolledBack = holdOpen(a, writerA, "lost", taken2, release2, true);
        assertThat(taken2.await(10, TimeUnit.SECONDS)).isTrue();
        b.write(tx -> writerB.append(tx, entry("after")));
        release2.countDown();
        assertThat(rolledBack).failsWithin(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 3);
        Thread.sleep(200); // nothing more comes
        assertThat(seen).extracting(ChatMessage::text).containsExactly("lower", "higher", "after");
      } finally {
        writerA.closeAll();
        writerB.closeAll();
      }
    }
  }

  /** Appends an entry in a write that stays open, after it took its id, until {@code release}. */
  private static CompletableFuture<ChatMessage> holdOpen(Database db, Transcript transcript, String text,
      CountDownLatch taken, CountDownLatch release, boolean fail) {
    return OpenWrites.hold(db, tx -> transcript.append(tx, entry(text)), taken, release, fail);
  }

  private static NewEntry entry(String text) {
    return new NewEntry(SESSION, Role.USER, text, null, null, Instant.now(), false, "test", "race", null);
  }
}
