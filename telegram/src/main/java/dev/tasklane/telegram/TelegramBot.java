package dev.tasklane.telegram;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tasklane.chat.ChatService;
import dev.tasklane.engine.Lane;
import dev.tasklane.store.Database;
import dev.tasklane.store.Duty;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.api.methods.ActionType;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.methods.commands.SetMyCommands;
import org.telegram.telegrambots.meta.api.methods.reactions.SetMessageReaction;
import org.telegram.telegrambots.meta.api.methods.send.SendChatAction;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.commands.BotCommand;
import org.telegram.telegrambots.meta.api.objects.reactions.ReactionTypeEmoji;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/**
 * A Telegram bot in front of the chat flow: registers the {@code telegram} channel with the chat
 * service, then (in the background, until Telegram answers) learns who the bot is, registers its
 * commands with {@code setMyCommands}, and starts polling for updates.
 *
 * <pre>{@code
 * TelegramBot bot = TelegramBot.start(lane, chat, TelegramConfig.builder(token).allow(allowlist).build(),
 *     meterRegistry, Clock.systemUTC());
 * ...
 * bot.close(); // before the chat service
 * }</pre>
 */
public final class TelegramBot implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TelegramBot.class);
  static final String WELCOME = """
      Hi! I run tasks for you. Tell me what you need: I answer at once, work on it in the background, \
      keep one message up to date with how far I got, and reply to your message with the result when \
      it's done, even if I was restarted in between.
      While I work, ask "status?" or use /status; /cancel stops a task. /help lists every command.""";
  static final List<BotCommand> COMMANDS = List.of(
      new BotCommand("start", "What this bot does"),
      new BotCommand("help", "The commands"),
      new BotCommand("status", "What a task is doing: /status [id]"),
      new BotCommand("tasks", "This chat's recent tasks"),
      new BotCommand("cancel", "Stop a task: /cancel <id> or /cancel all"),
      new BotCommand("retry", "Run a finished task again: /retry <id>"),
      new BotCommand("agent", "List the agents, or switch: /agent [name]"),
      new BotCommand("run", "Run a shell command, if your role allows: /run <command>"));

  private final OkHttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final OkHttpTelegramClient client;
  private final UpdateHandler handler;
  private final UpdatePoller poller;
  /** Polling is elected: one node polls a bot among those sharing a database. */
  private volatile AutoCloseable pollerElection;
  private final TypingKeeper typing;
  private final Thread starter;
  private final CountDownLatch started = new CountDownLatch(1);
  private final Database db;
  private final TelegramConfig config;
  private final Clock clock;

  private TelegramBot(Lane lane, ChatService chat, TelegramConfig config, MeterRegistry registry, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.db = lane.database();
    db.migrate("telegram", "db/telegram");
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequestsPerHost(64); // receipts of many chats go out side by side
    long timeout = config.timing().requestTimeout().toMillis();
    http = new OkHttpClient.Builder().dispatcher(dispatcher).connectTimeout(Duration.ofSeconds(10))
        .readTimeout(timeout, TimeUnit.MILLISECONDS).writeTimeout(timeout, TimeUnit.MILLISECONDS).build();
    client = new OkHttpTelegramClient(json, http, config.token(), config.telegramUrl());
    RateLimits limits = new RateLimits(config.limits(), clock);
    TelegramMetrics metrics = new TelegramMetrics(registry);
    TelegramChannel channel = new TelegramChannel(client, new BotApi(limits, metrics,
        config.limits().maxRetryAfterWait()), limits, config, clock);
    chat.addChannel(channel);
    chat.addCommand("/start", "what this bot does and how to use it", call -> WELCOME);
    handler = new UpdateHandler(chat, db, channel, config, clock);
    poller = new UpdatePoller(db, config, handler, metrics, clock);
    typing = new TypingKeeper(lane, channel, config.timing().typingEvery());
    starter = Thread.ofVirtual().name("tasklane-telegram-start").unstarted(this::connect);
  }

  /**
   * Registers the channel with {@code chat} (migrating the channel's tables into the lane's
   * database) and connects to Telegram in the background.
   */
  public static TelegramBot start(Lane lane, ChatService chat, TelegramConfig config, MeterRegistry registry,
      Clock clock) {
    TelegramBot bot = new TelegramBot(lane, chat, config, registry, clock);
    bot.purgeOld();
    bot.starter.start();
    return bot;
  }

  /** getMe (retried until Telegram answers; a refused token stops here), setMyCommands, then polling. */
  private void connect() {
    Duration pause = Duration.ofSeconds(1);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        User me = client.execute(new GetMe());
        handler.identify(new BotIdentity(me.getId(), me.getUserName()));
        log.info("Telegram bot @{} ({}) connected", me.getUserName(), me.getId());
        break;
      } catch (TelegramApiRequestException e) {
        if (e.getErrorCode() != null && (e.getErrorCode() == 401 || e.getErrorCode() == 404)) {
          log.error("Telegram refused the bot token ({}): check TASKLANE_TELEGRAM_TOKEN", e.getApiResponse());
          return;
        }
        pause = waitBeforeRetry(pause, e.getMessage());
      } catch (Exception e) {
        pause = waitBeforeRetry(pause, e.getMessage());
      }
      if (pause == null) return;
    }
    warmUp();
    try {
      client.execute(SetMyCommands.builder().commands(COMMANDS).build());
    } catch (Exception e) {
      log.warn("registering the bot's commands with Telegram failed: {}", e.getMessage());
    }
    pollerElection = db.elect("telegram-poller-" + config.botId(), new Duty() {
      @Override
      public void start() {
        poller.start();
      }

      @Override
      public void stop() {
        poller.stop();
      }
    });
    started.countDown();
  }

  /**
   * Prepares what a receipt needs (the requests' JSON writers) so that the first message's receipt is
   * as quick as the next ones; the connection is already open from getMe.
   */
  private void warmUp() {
    try {
      json.writeValueAsString(SetMessageReaction.builder().chatId("1").messageId(1)
          .reactionTypes(List.of(new ReactionTypeEmoji(config.receiptReaction()))).build());
      json.writeValueAsString(SendChatAction.builder().chatId("1").action(ActionType.TYPING.toString()).build());
      json.writeValueAsString(SendMessage.builder().chatId("1").text("-").build());
    } catch (Exception e) {
      log.debug("warming up the receipt path", e);
    }
  }

  private Duration waitBeforeRetry(Duration pause, String why) {
    log.warn("cannot reach Telegram ({}); trying again in {}", why, pause);
    try {
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      return null;
    }
    Duration next = pause.multipliedBy(2);
    return next.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : next;
  }

  /** Deletes handled updates older than {@code updateRetention}. */
  private void purgeOld() {
    int n = db.write(tx -> UpdateSql.purge(tx.connection(), clock.instant().minus(config.timing().updateRetention())));
    if (n > 0) log.info("deleted {} handled Telegram updates older than {}", n, config.timing().updateRetention());
  }

  /**
   * True while this node polls Telegram for the bot: on a database shared by several nodes, one of
   * them does (the others send and edit messages, and take over polling when it goes away).
   */
  public boolean isPolling() {
    return poller.isPolling();
  }

  /** Waits until the bot polls Telegram; false if it did not within {@code timeout}. */
  public boolean awaitPolling(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!started.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) return false;
    return poller.awaitPolling(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
  }

  /** Stops polling and the indicators; call before closing the chat service. */
  @Override
  public void close() {
    starter.interrupt();
    try {
      starter.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    AutoCloseable election = pollerElection;
    try {
      if (election != null) election.close();
    } catch (Exception e) {
      log.warn("giving up polling Telegram failed", e);
    }
    poller.close();
    handler.close();
    typing.close();
    // The HTTP client stays: the chat service may still deliver through the channel until it closes.
  }
}
