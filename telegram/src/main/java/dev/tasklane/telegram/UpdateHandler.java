package dev.tasklane.telegram;

import dev.tasklane.chat.ChatService;
import dev.tasklane.chat.IncomingMessage;
import dev.tasklane.core.LaneException;
import dev.tasklane.store.Database;
import dev.tasklane.telegram.Inbound.Ignored;
import dev.tasklane.telegram.Inbound.Press;
import dev.tasklane.telegram.Inbound.Text;
import dev.tasklane.telegram.UpdateSql.StoredUpdate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * Hands stored updates to the chat flow, each chat's in the order Telegram numbered them, chats
 * side by side, and marks each handled once the chat flow took it. An update handled again after a
 * crash (taken, not yet marked) is answered once: the chat service knows the message by its id.
 *
 * <p>Receipt (the reaction and "typing…") is shown as soon as an update arrives, before it is even
 * stored, and does not wait for the chat's earlier messages.
 */
final class UpdateHandler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UpdateHandler.class);
  private static final Duration RETRY_FIRST = Duration.ofMillis(100);
  private static final Duration RETRY_MAX = Duration.ofSeconds(5);
  private static final int RECEIPT_THREADS = 4;

  private final ChatService chat;
  private final Database db;
  private final TelegramChannel channel;
  private final TelegramConfig config;
  private final Clock clock;
  private final Map<String, Deque<StoredUpdate>> queues = new HashMap<>();
  private final Map<String, Thread> workers = new HashMap<>();
  private final ExecutorService receipts = Executors.newFixedThreadPool(RECEIPT_THREADS,
      Thread.ofPlatform().daemon().name("tasklane-telegram-receipt-", 0).factory());
  private volatile BotIdentity bot = new BotIdentity(0, null);
  private volatile boolean closed;

  UpdateHandler(ChatService chat, Database db, TelegramChannel channel, TelegramConfig config, Clock clock) {
    this.chat = chat;
    this.db = db;
    this.channel = channel;
    this.config = config;
    this.clock = clock;
  }

  /** Who the bot is, for mentions and replies in groups; set before the first update is handled. */
  void identify(BotIdentity identity) {
    this.bot = identity;
  }

  /**
   * Shows receipt of the messages for the bot from allowed senders, at once and in the background,
   * on platform threads of their own: receipt must not wait for carriers busy with tasks' work.
   */
  void receipt(List<Update> updates) {
    for (Update u : updates) {
      if (Inbound.of(u, bot) instanceof Text t && allowed(t)) {
        receipts.execute(() -> {
          channel.react(t.chat(), t.messageId());
          channel.typing(t.chat().toString());
        });
      }
    }
  }

  /** Queues stored updates; each chat's are handled in order by a worker of its own. */
  synchronized void enqueue(List<StoredUpdate> updates) {
    if (closed) return;
    for (StoredUpdate u : updates) {
      String key = u.chatKey() == null ? "" : u.chatKey();
      queues.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(u);
      workers.computeIfAbsent(key, k -> Thread.ofVirtual().name("tasklane-telegram-chat").start(() -> drain(k)));
    }
  }

  private void drain(String key) {
    while (true) {
      StoredUpdate next;
      synchronized (this) {
        Deque<StoredUpdate> q = queues.get(key);
        if (closed || q == null || q.isEmpty()) {
          queues.remove(key);
          workers.remove(key);
          return;
        }
        next = q.peekFirst();
      }
      if (!handleUntilDone(next)) return;
      synchronized (this) {
        queues.get(key).pollFirst();
      }
    }
  }

  /** Handles one update and marks it handled, trying again while that fails; false if closed first. */
  private boolean handleUntilDone(StoredUpdate u) {
    Duration pause = RETRY_FIRST;
    while (!closed) {
      try {
        handle(u);
        db.write(tx -> {
          UpdateSql.handled(tx.connection(), config.botId(), u.updateId(), clock.instant());
          return null;
        });
        return true;
      } catch (RuntimeException e) {
        log.warn("handling Telegram update {} failed; trying again in {}", u.updateId(), pause, e);
        try {
          Thread.sleep(pause);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
        pause = pause.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : pause.multipliedBy(2);
      }
    }
    return false;
  }

  private void handle(StoredUpdate stored) {
    Optional<Update> update = UpdateJson.read(stored.payload());
    if (update.isEmpty()) {
      log.warn("Telegram update {} is not readable; skipped", stored.updateId());
      return;
    }
    switch (Inbound.of(update.get(), bot)) {
      case Text t -> text(t);
      case Press p -> press(p);
      case Ignored i -> log.debug("Telegram update {} ignored: {}", i.updateId(), i.why());
    }
  }

  private void text(Text t) {
    String chatId = t.chat().toString();
    String messageId = Integer.toString(t.messageId());
    if (!allowed(t)) {
      stranger(t.userId() != null ? t.userId() : t.chat().chatId(), chatId, messageId);
      return;
    }
    String sender = t.userId() == null ? null : t.userId().toString();
    try {
      chat.receive(new IncomingMessage(TelegramChannel.NAME, chatId, messageId, sender, t.text()));
    } catch (LaneException e) {
      chat.tell(TelegramChannel.NAME, chatId, messageId, "I can't take this message: " + e.getMessage() + ".");
    }
  }

  private void press(Press p) {
    if (!config.allow().allows(p.userId(), p.chat().chatId())) {
      channel.answerPress(p.callbackId(), privateNotice(p.userId()));
      return;
    }
    String sender = p.userId() == null ? null : p.userId().toString();
    String answer = chat.action(TelegramChannel.NAME, p.chat().toString(), sender, p.data());
    channel.answerPress(p.callbackId(), answer);
  }

  /** A stranger is told once per {@code strangerReplyEvery}, and nothing of theirs is kept or run. */
  private void stranger(long id, String chatId, String messageId) {
    boolean tell = db.write(tx -> UpdateSql.tellStranger(tx.connection(), id,
        clock.instant().minus(config.timing().strangerReplyEvery()), clock.instant()));
    log.info("refused a message from {} in Telegram chat {}: not in TASKLANE_TELEGRAM_ALLOW", id, chatId);
    if (tell) chat.tell(TelegramChannel.NAME, chatId, messageId, privateNotice(id));
  }

  static String privateNotice(Long id) {
    return "This bot is private; ask its owner to add your id " + id + ".";
  }

  private boolean allowed(Text t) {
    return config.allow().allows(t.userId(), t.chat().chatId());
  }

  /** Stops taking updates; an update being handled finishes (it is bounded by the chat's yield window). */
  @Override
  public void close() {
    receipts.shutdown();
    List<Thread> running;
    synchronized (this) {
      closed = true;
      running = List.copyOf(workers.values());
    }
    for (Thread t : running) {
      try {
        t.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
