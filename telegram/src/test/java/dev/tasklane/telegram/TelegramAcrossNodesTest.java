package dev.tasklane.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.store.Database;
import dev.tasklane.store.postgres.EmbeddedPostgresServer;
import dev.tasklane.store.postgres.PostgresDatabase;
import dev.tasklane.store.postgres.PostgresOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes with the same bot on one PostgreSQL database and one test Bot API server: one of them
 * polls Telegram, and the other takes over when the poller goes away; every message is answered
 * once, whichever node sends the answer.
 */
class TelegramAcrossNodesTest {
  @TempDir Path dir;
  private final PostgresOptions schema = EmbeddedPostgresServer.shared().freshSchema();
  private final Supplier<Database> database = () -> PostgresDatabase.open(schema);
  private FakeBotApi api;
  private TelegramFixture a;
  private TelegramFixture b;

  @AfterEach
  void close() {
    if (a != null) a.stop();
    if (b != null) b.stop();
    if (api != null) api.close();
  }

  @Test
  void oneNodePollsAndAnotherTakesOverWhenItsConnectionDiesOrItStops() throws Exception {
    api = FakeBotApi.start();
    a = TelegramFixture.node(dir.resolve("a"), api, database, true);
    b = TelegramFixture.node(dir.resolve("b"), api, database, false);
    Thread.sleep(1_500); // b tries to take the poller's lock at least once
    assertThat(a.bot.isPolling()).isTrue();
    assertThat(b.bot.isPolling()).as("one poller").isFalse();
    answeredOnce("echo one");

    // The poller's connection to the database dies: it stops polling, and one node polls again.
    assertThat(terminateLockHolders()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> polling() == 1);
    answeredOnce("echo two");

    TelegramFixture poller = a.bot.isPolling() ? a : b;
    TelegramFixture other = poller == a ? b : a;
    poller.stop();
    if (poller == a) a = null;
    else b = null;
    await().atMost(Duration.ofSeconds(5)).until(other.bot::isPolling);
    answeredOnce("echo three");
  }

  private int polling() {
    return (a != null && a.bot.isPolling() ? 1 : 0) + (b != null && b.bot.isPolling() ? 1 : 0);
  }

  private void answeredOnce(String text) {
    api.say(TelegramFixture.ALICE, text);
    String answer = "echo: " + text;
    await().atMost(Duration.ofSeconds(10)).until(() -> answers(answer).size() == 1);
    try {
      Thread.sleep(500); // a second poller or sender would have answered again by now
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    assertThat(answers(answer)).as("answered once: %s", answer).hasSize(1);
  }

  private List<FakeBotApi.Call> answers(String text) {
    return api.calls("sendMessage").stream().filter(c -> c.status() == 200)
        .filter(c -> c.params().path("text").asText().equals(text)).toList();
  }

  /** Ends the sessions that hold an election's lock, as a network cut or a killed server process would. */
  private int terminateLockHolders() throws Exception {
    try (Connection c = DriverManager.getConnection(schema.jdbcUrl());
        ResultSet rs = c.createStatement().executeQuery("SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a"
            + " WHERE a.application_name = 'tasklane-election' AND a.pid IN (SELECT pid FROM pg_locks"
            + " WHERE locktype = 'advisory' AND granted)")) {
      int n = 0;
      while (rs.next()) n++;
      return n;
    }
  }
}
