package dev.tasklane.telegram;

import static dev.tasklane.telegram.TelegramFixture.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.telegram.FakeChats.Msg;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelegramRestartTest {
  @TempDir Path dir;
  TelegramFixture f;

  @AfterEach
  void stop() {
    if (f != null) f.close();
  }

  private List<Msg> echoes() {
    return f.api.chats.fromBot(ALICE).stream().filter(m -> m.text().startsWith("echo: ")).toList();
  }

  @Test
  void messagesSentWhileTheServerWasDownAreAnsweredAfterTheStartInOrderOnce() throws Exception {
    f = TelegramFixture.start(dir);
    f.api.say(ALICE, "before");
    await().atMost(Duration.ofSeconds(10)).until(() -> echoes().size() == 1);
    f.stop();
    List<Integer> asked = new ArrayList<>();
    for (int i = 1; i <= 5; i++) asked.add(f.api.say(ALICE, "while down " + i));
    f.restart();
    await().atMost(Duration.ofSeconds(20)).until(() -> echoes().size() == 6);
    List<Msg> answers = echoes().subList(1, 6);
    for (int i = 0; i < 5; i++) {
      assertThat(answers.get(i).text()).isEqualTo("echo: while down " + (i + 1));
      assertThat(answers.get(i).replyTo).isEqualTo(asked.get(i));
    }
    f.restart(); // once more: nothing is answered again
    f.api.say(ALICE, "after");
    await().atMost(Duration.ofSeconds(10)).until(() -> echoes().size() == 7);
    Thread.sleep(300);
    assertThat(echoes()).hasSize(7);
    assertThat(f.api.unconfirmed()).as("Telegram was told it may forget them").isLessThanOrEqualTo(1);
  }

  @Test
  void anUpdateStoredButNotHandledIsHandledAfterTheRestart() throws Exception {
    f = TelegramFixture.start(dir);
    f.stop();
    // As a crash between storing an update and handing it on leaves it: stored, offset moved past it.
    int asked = f.api.say(ALICE, "stored only");
    var update = f.api.pendingUpdates().getFirst();
    try (var db = dev.tasklane.store.sqlite.SqliteDatabase.open(dir.resolve("tasklane.db"))) {
      db.write(tx -> UpdateSql.store(tx.connection(), FakeBotApi.BOT_ID, List.of(
          new UpdateSql.StoredUpdate(update.path("update_id").asLong(), Long.toString(ALICE), update.toString())),
          update.path("update_id").asLong() + 1, java.time.Instant.now()));
    }
    f.api.forgetUpdates();
    f.restart();
    await().atMost(Duration.ofSeconds(10)).until(() -> echoes().size() == 1);
    assertThat(echoes().getFirst().text()).isEqualTo("echo: stored only");
    assertThat(echoes().getFirst().replyTo).isEqualTo(asked);
  }
}
