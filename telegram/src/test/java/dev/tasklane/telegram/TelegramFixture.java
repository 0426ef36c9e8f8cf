package dev.tasklane.telegram;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tasklane.chat.ChatConfig;
import dev.tasklane.chat.ChatService;
import dev.tasklane.core.LaneConfig;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.TaskContext;
import dev.tasklane.core.TaskResult;
import dev.tasklane.engine.Lane;
import dev.tasklane.store.Database;
import dev.tasklane.store.sqlite.SqliteDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The test Bot API server, and a real lane on SQLite with a chat service and the Telegram bot in
 * front of it, all in this JVM. Free text picks a handler by its first word: "slow 20 50" (20
 * steps of 50 ms), "long 9000" (a result of 9000 characters), "markup" (a result full of
 * formatting characters), anything else is echoed.
 */
final class TelegramFixture implements AutoCloseable {
  static final long ALICE = 1001;
  static final long BOB = 1002;
  static final long GROUP = -100777;
  static final String MARKDOWN = "**Fixed** the bug in `Main.java`:\n\n```java\nint x = a * b * c;\n```\n"
      + "See [the PR](https://example.com/pr/1).";
  static final String MARKUP = "*bold* _it_ [link](http://x) (a) `code` ~s~ <b>&amp;</b> \\ > # + - = | { } . !";

  final Path dir;
  final FakeBotApi api;
  final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  TelegramConfig config;
  ChatConfig chatConfig;
  Lane lane;
  ChatService chat;
  TelegramBot bot;
  /** The database each start opens: SQLite in {@code dir} unless a test gives another. */
  private Supplier<Database> database;
  /** False for a node that shares its database with one already polling. */
  private boolean awaitPolling = true;

  private TelegramFixture(Path dir, FakeBotApi api) {
    this.dir = dir;
    this.api = api;
    this.database = () -> SqliteDatabase.open(dir.resolve("tasklane.db"));
  }

  /**
   * A node of several sharing {@code database}, with the test Bot API server {@code api}; when
   * {@code awaitPolling}, it returns once this node polls.
   */
  static TelegramFixture node(Path dir, FakeBotApi api, Supplier<Database> database, boolean awaitPolling)
      throws Exception {
    TelegramFixture f = new TelegramFixture(dir, api);
    f.config = config(api).build();
    f.chatConfig = chatConfig().build();
    f.database = database;
    f.awaitPolling = awaitPolling;
    f.open();
    return f;
  }

  /** Fast timings for tests; everything else as in production. */
  static TelegramConfig.Builder config(FakeBotApi api) {
    return TelegramConfig.builder(FakeBotApi.TOKEN).apiUrl(api.url()).allow(new Allowlist(java.util.Set.of(ALICE,
            GROUP)))
        .timing(new TelegramConfig.Timing(Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofMillis(400),
            Duration.ofHours(24), Duration.ofDays(7)));
  }

  static ChatConfig.Builder chatConfig() {
    return ChatConfig.defaults().toBuilder().yieldWindow(Duration.ofMillis(500))
        .progressEditInterval(Duration.ofMillis(100)).deliveryRetryBase(Duration.ofMillis(100))
        .deliveryRetryMax(Duration.ofMillis(500));
  }

  static TelegramFixture start(Path dir) throws Exception {
    FakeBotApi api = FakeBotApi.start();
    return start(dir, api, config(api).build(), chatConfig().build());
  }

  static TelegramFixture start(Path dir, FakeBotApi api, TelegramConfig config, ChatConfig chatConfig)
      throws Exception {
    TelegramFixture f = new TelegramFixture(dir, api);
    f.config = config;
    f.chatConfig = chatConfig;
    f.open();
    return f;
  }

  private void open() throws InterruptedException {
    lane = Lane.builder().database(database.get())
        .config(LaneConfig.defaults().toBuilder().progressInterval(Duration.ofMillis(20))
            .leaseDuration(Duration.ofSeconds(2)).heartbeatInterval(Duration.ofMillis(500))
            .cancelGrace(Duration.ofMillis(500)).maintenanceInterval(Duration.ofMillis(200)).build())
        .handler("echo", ctx -> TaskResult.text("echo: " + ctx.input().path("text").asText()))
        .handler("slow", TelegramFixture::slow)
        .handler("long", ctx -> TaskResult.text(longText(arg(ctx, 1, 5000))))
        .handler("markup", ctx -> TaskResult.text((MARKUP + "\n").repeat(3)))
        .handler("markdown", ctx -> TaskResult.text(MARKDOWN))
        .handler("code", ctx -> TaskResult.text("```\n" + longText(arg(ctx, 1, 6000)) + "\n```\n"))
        .start();
    chat = new ChatService(lane, chatConfig, Clock.systemUTC());
    chat.setAgentRouter(TelegramFixture::route);
    chat.start();
    bot = TelegramBot.start(lane, chat, config, metrics, Clock.systemUTC());
    if (awaitPolling && !bot.awaitPolling(Duration.ofSeconds(10))) {
      throw new AssertionError("the bot did not start polling");
    }
  }

  /** Stops bot, chat and lane in order, and starts them again on the same database. */
  void restart() throws InterruptedException {
    stop();
    open();
  }

  void stop() {
    bot.close();
    chat.close();
    lane.close();
  }

  static Optional<SubmitRequest.Builder> route(String session, String text) {
    String first = text.strip().split("\\s+")[0];
    String kind = switch (first) {
      case "slow", "long", "markup", "markdown", "code" -> first;
      default -> "echo";
    };
    return Optional.of(SubmitRequest.builder(session, kind).input(JsonNodeFactory.instance.objectNode()
        .put("text", text)));
  }

  private static int arg(TaskContext ctx, int index, int otherwise) {
    String[] words = ctx.input().path("text").asText().strip().split("\\s+");
    return words.length > index ? Integer.parseInt(words[index]) : otherwise;
  }

  private static TaskResult slow(TaskContext ctx) throws InterruptedException {
    int steps = arg(ctx, 1, 10);
    int millis = arg(ctx, 2, 100);
    ctx.totalSteps(steps);
    for (int i = 1; i <= steps; i++) {
      ctx.checkCancelled();
      Thread.sleep(millis);
      ctx.step("step " + i + " of " + steps);
    }
    return TaskResult.text("slow work done after " + steps + " steps");
  }

  /** Numbered lines of about 60 characters up to {@code chars} characters. */
  static String longText(int chars) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; sb.length() < chars; i++) {
      sb.append(String.format("line %05d: the quick brown fox jumps over the lazy dog%n", i));
    }
    return sb.substring(0, chars);
  }

  @Override
  public void close() {
    stop();
    api.close();
  }
}
