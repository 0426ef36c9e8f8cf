package dev.tasklane.chat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tasklane.chat.access.Grants;
import dev.tasklane.core.LaneConfig;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.TaskFailure;
import dev.tasklane.core.TaskResult;
import dev.tasklane.engine.Lane;
import dev.tasklane.store.Database;
import dev.tasklane.store.postgres.EmbeddedPostgresServer;
import dev.tasklane.store.postgres.PostgresDatabase;
import dev.tasklane.store.postgres.PostgresOptions;
import dev.tasklane.store.sqlite.SqliteDatabase;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A real lane on a real database (a SQLite file in the test's folder, or PostgreSQL), with a few
 * handlers, and a chat service over it whose router picks the handler by the message's first word.
 */
final class ChatFixture implements AutoCloseable {
  static final AtomicInteger messageIds = new AtomicInteger();
  /** The sender who is an admin; everyone else is a {@code user}. */
  static final String ADMIN = "root";

  final Supplier<Database> database;
  final Lane lane;
  final RecordingChannel channel = new RecordingChannel("test");
  final Clock clock;
  ChatService chat;

  private ChatFixture(Supplier<Database> database, Lane lane, Clock clock) {
    this.database = database;
    this.lane = lane;
    this.clock = clock;
  }

  /** A lane with the test handlers on the database {@code database} opens, and a started chat service. */
  static ChatFixture start(Supplier<Database> database, ChatConfig config) {
    return start(database, config, Clock.systemUTC());
  }

  /** The same, with the chat service on {@code clock}. */
  static ChatFixture start(Supplier<Database> database, ChatConfig config, Clock clock) {
    return start(database, config, clock, LaneConfig.defaults().concurrency());
  }

  /** A node of a cluster: a lane running at most {@code workers} tasks at once (0: none) and a started chat service. */
  static ChatFixture node(Supplier<Database> database, ChatConfig config, int workers) {
    return start(database, config, Clock.systemUTC(), workers);
  }

  /** A node whose chat service has no channel: it can neither take messages nor send or edit any. */
  static ChatFixture nodeWithoutChannels(Supplier<Database> database, ChatConfig config, int workers) {
    ChatFixture f = new ChatFixture(database, startLane(database.get(), 1, workers), Clock.systemUTC());
    f.chat = new ChatService(f.lane, config, f.clock);
    f.chat.setAgentRouter(ChatFixture::route);
    f.chat.start();
    return f;
  }

  private static ChatFixture start(Supplier<Database> database, ChatConfig config, Clock clock, int workers) {
    ChatFixture f = new ChatFixture(database, startLane(database.get(), 1, workers), clock);
    f.chat = f.newChat(config);
    f.chat.start();
    return f;
  }

  /** A new schema of the test JVM's PostgreSQL. */
  static Supplier<Database> postgresql() {
    PostgresOptions schema = EmbeddedPostgresServer.shared().freshSchema();
    return () -> PostgresDatabase.open(schema);
  }

  /** The SQLite file of a test's folder. */
  static Supplier<Database> sqlite(Path dir) {
    return () -> SqliteDatabase.open(dir.resolve("tasklane.db"));
  }

  static ChatConfig.Builder fastConfig() {
    return ChatConfig.defaults().toBuilder()
        .progressEditInterval(Duration.ofMillis(300))
        .deliveryRetryBase(Duration.ofMillis(100))
        .deliveryRetryMax(Duration.ofMillis(400));
  }

  static Lane startLane(Database database, int maxAttempts) {
    return startLane(database, maxAttempts, LaneConfig.defaults().concurrency());
  }

  private static Lane startLane(Database database, int maxAttempts, int workers) {
    return Lane.builder()
        .database(database)
        .config(LaneConfig.defaults().toBuilder()
            .concurrency(workers)
            .leaseDuration(Duration.ofSeconds(3))
            .heartbeatInterval(Duration.ofMillis(500))
            .cancelGrace(Duration.ofMillis(500))
            .retryBase(Duration.ofMillis(50))
            .retryMax(Duration.ofMillis(200))
            .progressInterval(Duration.ofMillis(50))
            .maintenanceInterval(Duration.ofMillis(200))
            .defaultMaxAttempts(maxAttempts)
            .build())
        .handler("echo", ctx -> TaskResult.text("echo: " + ctx.input().path("text").asText()))
        .handler("slow", ChatFixture::slow)
        .handler("quiet", ChatFixture::quiet)
        .handler("chatty", ChatFixture::chatty)
        .handler("fail", ctx -> {
          throw TaskFailure.permanent("bad_input", "the input made no sense");
        })
        .handler("exec", ChatFixture::exec)
        .start();
  }

  /** Closes the chat service and the lane, then starts both again on the same database, with a fresh channel. */
  ChatFixture restart(ChatConfig config) {
    close();
    return start(database, config, clock);
  }

  /** A chat service (not started) over this fixture's lane, with the recording channel and router. */
  ChatService newChat(ChatConfig config) {
    ChatService c = new ChatService(lane, config, clock);
    c.addChannel(channel);
    c.setAgentRouter(ChatFixture::route);
    c.setAccess((channel, sender) -> ADMIN.equals(sender) ? Grants.ADMIN : Grants.USER);
    return c;
  }

  /** "slow 5 200" → kind slow, 5 steps of 200 ms; "fail …", "quiet 1500" likewise; else echo. */
  static Optional<SubmitRequest.Builder> route(String session, String text) {
    String first = text.strip().split("\\s+")[0];
    String kind = switch (first) {
      case "slow", "fail", "quiet", "chatty" -> first;
      default -> "echo";
    };
    return Optional.of(SubmitRequest.builder(session, kind)
        .input(JsonNodeFactory.instance.objectNode().put("text", text)));
  }

  private static int arg(String text, int index, int otherwise) {
    String[] words = text.strip().split("\\s+");
    return words.length > index ? Integer.parseInt(words[index]) : otherwise;
  }

  private static TaskResult slow(dev.tasklane.core.TaskContext ctx) throws InterruptedException {
    String text = ctx.input().path("text").asText();
    int steps = arg(text, 1, 5);
    int millis = arg(text, 2, 200);
    ctx.totalSteps(steps);
    for (int i = 1; i <= steps; i++) {
      ctx.checkCancelled();
      Thread.sleep(millis);
      ctx.step("step " + i + " of " + steps);
    }
    return TaskResult.text("slow work done after " + steps + " steps");
  }

  private static TaskResult quiet(dev.tasklane.core.TaskContext ctx) throws InterruptedException {
    Thread.sleep(arg(ctx.input().path("text").asText(), 1, 1000));
    return TaskResult.text("quiet work done");
  }

  /** Writes output lines only, as a command would: "chatty 8 150" → 8 lines, 150 ms apart. */
  private static TaskResult chatty(dev.tasklane.core.TaskContext ctx) throws InterruptedException {
    String text = ctx.input().path("text").asText();
    int lines = arg(text, 1, 5);
    for (int i = 1; i <= lines; i++) {
      ctx.checkCancelled();
      Thread.sleep(arg(text, 2, 150));
      ctx.output("compiling module " + i + "\n");
    }
    return TaskResult.text("chatty work done");
  }

  /** Runs the command for real, as the exec handler would: stdout is the result. */
  private static TaskResult exec(dev.tasklane.core.TaskContext ctx) throws Exception {
    var cmd = ctx.input().get("command");
    String[] argv = new String[cmd.size()];
    for (int i = 0; i < argv.length; i++) argv[i] = cmd.get(i).asText();
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    int code = p.waitFor();
    String text = out.toString(StandardCharsets.UTF_8);
    if (code != 0) throw TaskFailure.permanent("exit_code", "exited with " + code + ": " + text.strip());
    return TaskResult.text(text);
  }

  static IncomingMessage message(String chatId, String text) {
    return new IncomingMessage("test", chatId, "m" + messageIds.incrementAndGet(), "alice", text);
  }

  static IncomingMessage adminMessage(String chatId, String text) {
    return new IncomingMessage("test", chatId, "m" + messageIds.incrementAndGet(), ADMIN, text);
  }

  Reply say(String chatId, String text) {
    return chat.receive(message(chatId, text));
  }

  @Override
  public void close() {
    if (chat != null) chat.close();
    lane.close();
  }
}
