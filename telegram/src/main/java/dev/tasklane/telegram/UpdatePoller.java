package dev.tasklane.telegram;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tasklane.store.Database;
import dev.tasklane.telegram.UpdateSql.StoredUpdate;
import java.io.IOException;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.Dispatcher;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.longpolling.TelegramBotsLongPollingApplication;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * Long polling ({@code getUpdates}) through TelegramBots, with the offset kept in the database: a
 * batch of updates is stored (deduplicated by {@code update_id}) together with the next offset in one
 * write, and only then does the next {@code getUpdates} ask past them, which is when Telegram forgets
 * them. A crash before that write gets the same updates again from Telegram; one after it finds them
 * in the database.
 *
 * <p>A component of its own, started and stopped independently of the channel, so that when several
 * nodes share a database exactly one of them polls.
 */
final class UpdatePoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UpdatePoller.class);
  private static final List<String> UPDATE_TYPES = List.of("message", "callback_query");
  private static final int BATCH = 100;
  private static final Duration RETRY_FIRST = Duration.ofMillis(100);
  private static final Duration RETRY_MAX = Duration.ofSeconds(5);

  private final Database db;
  private final TelegramConfig config;
  private final UpdateHandler handler;
  private final TelegramMetrics metrics;
  private final Clock clock;
  private volatile long nextOffset;
  private volatile boolean running;
  private TelegramBotsLongPollingApplication app;
  private OkHttpClient http;
  private ScheduledExecutorService executor;
  private Thread starter;
  private volatile Socket pollSocket;
  /** Counted down once this start's polling runs; a new one per start. */
  private volatile CountDownLatch polling = new CountDownLatch(1);

  UpdatePoller(Database db, TelegramConfig config, UpdateHandler handler, TelegramMetrics metrics, Clock clock) {
    this.db = db;
    this.config = config;
    this.handler = handler;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Hands the updates stored but not handled by the previous run to the handler, then starts polling
   * from the stored offset (in the background: until Telegram answers, it keeps trying).
   */
  synchronized void start() {
    if (running) return;
    running = true;
    if (polling.getCount() == 0) polling = new CountDownLatch(1);
    nextOffset = db.read(tx -> UpdateSql.offset(tx.connection(), config.botId()));
    List<StoredUpdate> left = db.read(tx -> UpdateSql.unhandled(tx.connection(), config.botId()));
    if (!left.isEmpty()) {
      log.info("handling {} Telegram updates received before the restart", left.size());
      handler.receipt(left.stream().flatMap(s -> UpdateJson.read(s.payload()).stream()).toList());
      handler.enqueue(left);
    }
    long readSeconds = config.timing().pollTimeout().toSeconds() + 15;
    Dispatcher dispatcher = new Dispatcher();
    http = new OkHttpClient.Builder().dispatcher(dispatcher).readTimeout(readSeconds, TimeUnit.SECONDS)
        .connectTimeout(10, TimeUnit.SECONDS).addInterceptor(this::quietWhenStopped)
        .addNetworkInterceptor(this::rememberSocket).build();
    executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("tasklane-telegram-poll")
        .factory());
    app = new TelegramBotsLongPollingApplication(ObjectMapper::new, () -> http, () -> executor);
    starter = Thread.ofVirtual().name("tasklane-telegram-poll-start").start(this::register);
  }

  /** Registers the bot with the polling application, retrying while Telegram cannot be reached. */
  private void register() {
    Duration pause = Duration.ofSeconds(1);
    while (running) {
      try {
        app.registerBot(config.token(), config::telegramUrl, ignored -> nextRequest(), this::consume);
        log.info("polling Telegram for updates from offset {}", nextOffset);
        polling.countDown();
        return;
      } catch (Exception e) {
        log.warn("cannot start polling Telegram ({}); trying again in {}", e.getMessage(), pause);
        try {
          app.unregisterBot(config.token()); // registered, but its first call (deleteWebhook) failed
        } catch (Exception notRegistered) {
          // nothing to undo
        }
        try {
          Thread.sleep(pause);
        } catch (InterruptedException ie) {
          return;
        }
        pause = pause.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : pause.multipliedBy(2);
      }
    }
  }

  /** Notes the connection a long poll waits on, so that {@link #stop} can cut it off. */
  private Response rememberSocket(Interceptor.Chain chain) throws IOException {
    if (chain.connection() != null) pollSocket = chain.connection().socket();
    return chain.proceed(chain.request());
  }

  /**
   * A long poll cut off by {@link #stop} answers "no updates" rather than failing, so that stopping
   * does not log a polling error.
   */
  private Response quietWhenStopped(Interceptor.Chain chain) throws IOException {
    try {
      return chain.proceed(chain.request());
    } catch (IOException e) {
      if (running) throw e;
      return new Response.Builder().request(chain.request()).protocol(Protocol.HTTP_1_1).code(200).message("OK")
          .body(ResponseBody.create("{\"ok\":true,\"result\":[]}", MediaType.get("application/json"))).build();
    }
  }

  /** True while this node polls Telegram. */
  boolean isPolling() {
    return running && polling.getCount() == 0;
  }

  /** Waits until polling runs; false if it did not within {@code timeout}. */
  boolean awaitPolling(Duration timeout) throws InterruptedException {
    return polling.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The next {@code getUpdates}: from the stored offset, whatever TelegramBots last saw. */
  private GetUpdates nextRequest() {
    return GetUpdates.builder().offset((int) nextOffset).limit(BATCH)
        .timeout((int) Math.max(0, config.timing().pollTimeout().toSeconds())).allowedUpdates(UPDATE_TYPES).build();
  }

  /**
   * Called by TelegramBots on its polling thread with a batch; the next {@code getUpdates} waits
   * until this returns. Must not throw: an exception would end TelegramBots' polling for good.
   */
  private void consume(List<Update> updates) {
    try {
      handler.receipt(updates);
      List<StoredUpdate> rows = new ArrayList<>();
      long next = nextOffset;
      for (Update u : updates) {
        if (u.getUpdateId() == null) continue;
        Inbound in = Inbound.of(u, new BotIdentity(0, null));
        rows.add(new StoredUpdate(u.getUpdateId(), in.chat() == null ? null : in.chat().toString(), UpdateJson.write(u)));
        next = Math.max(next, u.getUpdateId() + 1L);
      }
      long offset = next;
      List<StoredUpdate> added = storeUntilDone(rows, offset);
      if (added == null) return; // stopping: the offset did not move, the next start gets these again
      nextOffset = offset;
      metrics.updatesStored(added.size());
      handler.enqueue(added);
    } catch (RuntimeException e) {
      log.error("taking a batch of Telegram updates failed; they are asked for again", e);
    }
  }

  private List<StoredUpdate> storeUntilDone(List<StoredUpdate> rows, long offset) {
    Duration pause = RETRY_FIRST;
    while (running) {
      try {
        return db.write(tx -> UpdateSql.store(tx.connection(), config.botId(), rows, offset, clock.instant()));
      } catch (RuntimeException e) {
        log.warn("storing {} Telegram updates failed; trying again in {}", rows.size(), pause, e);
        try {
          Thread.sleep(pause);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return null;
        }
        pause = pause.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : pause.multipliedBy(2);
      }
    }
    return null;
  }

  /** Stops polling: the long poll in flight is cut off; updates not stored yet come again next start. */
  synchronized void stop() {
    if (!running) return;
    running = false;
    if (starter != null) starter.interrupt();
    try {
      app.close();
    } catch (Exception e) {
      log.debug("stopping the polling application", e);
    }
    Socket socket = pollSocket;
    if (socket != null) {
      try {
        socket.close(); // ends the long poll in flight at once
      } catch (IOException e) {
        log.debug("closing the polling connection", e);
      }
    }
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) log.warn("Telegram polling did not stop within 10 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Override
  public void close() {
    stop();
  }
}
