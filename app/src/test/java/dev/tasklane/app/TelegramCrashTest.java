package dev.tasklane.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.telegram.FakeBotApi;
import dev.tasklane.telegram.FakeChats.Msg;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tasklane serve} with a Telegram bot, as a child JVM talking to the test's Bot API server,
 * killed with SIGKILL while one chat's task runs and while another chat's message is being handled,
 * with messages arriving while it is down; after the restart every message is answered and every
 * result delivered, none twice.
 */
@Tag("slow")
class TelegramCrashTest {
  static final long ANN = 501;
  static final long BEN = 502;
  static final long CAT = 503;

  @TempDir Path dir;

  @Test
  void afterAKillMidTaskAndMidUpdateEveryMessageIsAnsweredOnce() throws Exception {
    Path data = dir.resolve("data");
    Path marks = Files.createDirectories(dir.resolve("marks"));
    Files.createDirectories(data);
    Path agent = dir.resolve("agent.sh");
    Files.writeString(agent, """
        msg="$1"
        if [ -n "$TASKLANE_TELEGRAM_TOKEN" ]; then echo "the bot token leaked to a command"; fi
        case "$msg" in
          slow*) touch "%s/started-$(printf %%s "$msg" | tr ' ' _)"; sleep 4 ;;
        esac
        echo "done: $msg"
        """.formatted(marks));
    Files.writeString(data.resolve("tasklane.json"),
        "{\"agents\": {\"profiles\": {\"worker\": {\"command\": [\"sh\", \"" + agent + "\", \"{message}\"]}}}}");
    try (FakeBotApi api = FakeBotApi.start()) {
      Map<String, String> env = Map.of("TASKLANE_TELEGRAM_TOKEN", FakeBotApi.TOKEN,
          "TASKLANE_TELEGRAM_API_URL", api.url().toString(),
          "TASKLANE_TELEGRAM_ALLOW", ANN + "," + BEN + ", " + CAT);
      int annAsked;
      int benAsked;
      List<Integer> catAsked = new ArrayList<>();
      try (ServerProcess first = ServerProcess.start(data, env)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> first.output().contains("Telegram bot: on, allowed ids"));
        annAsked = api.say(ANN, "slow ann");
        await().atMost(Duration.ofSeconds(20)).until(() -> !api.chats.fromBot(ANN).isEmpty());
        assertThat(api.chats.fromBot(ANN).getFirst().text()).startsWith("On it");

        benAsked = api.say(BEN, "slow ben");
        Path benStarted = marks.resolve("started-slow_ben");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10)).until(() -> Files.exists(benStarted));
        first.process.destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed
        first.process.waitFor();
        assertThat(api.chats.fromBot(BEN)).as("killed before Ben's message was answered").isEmpty();
      }
      assertThat(handledAt(data, BEN)).as("Ben's update was stored, and not yet handled").isZero();

      for (int i = 1; i <= 3; i++) catAsked.add(api.say(CAT, "hello " + i));

      try (ServerProcess second = ServerProcess.start(data, env)) {
        await().atMost(Duration.ofSeconds(90)).until(() -> results(api, ANN).size() == 1
            && results(api, BEN).size() == 1 && results(api, CAT).size() == 3);
        Thread.sleep(1500); // anything sent twice would arrive by now
        assertThat(results(api, ANN)).extracting(Msg::text).containsExactly("done: slow ann");
        assertThat(results(api, ANN).getFirst().replyTo).isEqualTo(annAsked);
        assertThat(results(api, BEN)).extracting(Msg::text).containsExactly("done: slow ben");
        assertThat(results(api, BEN).getFirst().replyTo).isEqualTo(benAsked);
        assertThat(results(api, CAT)).extracting(Msg::text).containsExactly("done: hello 1", "done: hello 2",
            "done: hello 3");
        for (int i = 0; i < 3; i++) assertThat(results(api, CAT).get(i).replyTo).isEqualTo(catAsked.get(i));
        assertThat(api.chats.fromBot(BEN).stream().filter(m -> m.text().startsWith("On it"))).hasSizeLessThanOrEqualTo(1);
        assertThat(second.output()).doesNotContain(FakeBotApi.TOKEN);
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(second.url + "/metrics"))
            .header("Authorization", "Bearer " + Files.readString(data.resolve("token")).strip()).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("tasklane_telegram_send_outcome_unknown_total{method=\"sendMessage\"} 0.0",
            "tasklane_telegram_updates_total");
      }
    }
  }

  private static List<Msg> results(FakeBotApi api, long chat) {
    return api.chats.fromBot(chat).stream().filter(m -> m.text().startsWith("done: ")).toList();
  }

  /** When the update of the chat's first message was marked handled (0: not yet). */
  private static long handledAt(Path data, long chat) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(DatabaseUrl.SQLITE_FILE));
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT COALESCE(handled_at, 0) FROM telegram_updates WHERE chat_key = '" + chat + "'")) {
      assertThat(rs.next()).as("an update of chat %d is stored", chat).isTrue();
      return rs.getLong(1);
    }
  }
}
