package dev.tasklane.chat;

import dev.tasklane.chat.OutboxSql.Pending;
import dev.tasklane.chat.OutgoingMessage.Button;
import dev.tasklane.engine.Lane;
import dev.tasklane.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what the outbox holds: one loop per channel, each taking the oldest pending message of every
 * chat of its channel, so a channel that is down, slow or not registered never holds up another, and
 * a chat whose message keeps failing never holds up the other chats. Within a chat, messages go in
 * order: a message that failed holds back the later messages of its chat until it went through (or
 * was given up), so replies never overtake each other. Failed sends are retried with exponential
 * backoff.
 *
 * <p>Delivery is at least once at the edge: when the platform took a message but the process dies
 * before the outbox row is marked sent (one short write right after the send), the message is sent
 * again after the restart. Long texts are marked part by part, so at most one part repeats.
 *
 * <p>On a database shared by several nodes every node runs these loops, and a node claims a message
 * before it sends it, for {@link ChatConfig#deliveryLease}: one node sends it, and when that node dies
 * mid-send another takes the message over once the claim ran out.
 */
final class OutboxSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutboxSender.class);
  /** Chats of one channel looked at per pass. */
  private static final int BATCH = 100;
  /** Safety net: pending rows are looked at this often even without a wake-up. */
  private static final Duration IDLE = Duration.ofSeconds(1);
  /**
   * How long after its retry time a message this node failed to send waits for another node to take
   * it: longer than {@link #IDLE}, so every other node's loop has looked at it by then.
   */
  private static final Duration HAND_OVER = IDLE.plusMillis(250);

  /** Told when a message reached the platform. */
  interface SentListener {
    void sent(long entryId, String platformMessageId, String text);
  }

  private final Database db;
  /** This node's id in claims; null when the database is this node's alone, and nothing is claimed. */
  private final String node;
  private final Map<String, ChatChannel> channels;
  private final ChatConfig config;
  private final Clock clock;
  private final SentListener listener;
  private final Map<String, ChannelLoop> loops = new ConcurrentHashMap<>();
  private volatile boolean running;

  OutboxSender(Lane lane, Map<String, ChatChannel> channels, ChatConfig config, Clock clock, SentListener listener) {
    this.db = lane.database();
    this.node = db.signals().isPresent() ? lane.config().nodeId() : null;
    this.channels = channels;
    this.config = config;
    this.clock = clock;
    this.listener = listener;
  }

  synchronized void start() {
    running = true;
    channels.keySet().forEach(this::loop);
  }

  /** A channel was registered: its messages start going out (if the sender runs). */
  synchronized void channelAdded(String channel) {
    if (running) loop(channel).wake();
  }

  private ChannelLoop loop(String channel) {
    return loops.computeIfAbsent(channel, ChannelLoop::new);
  }

  /** Looks at the outbox now (after a commit that added to it). */
  void wake() {
    loops.values().forEach(ChannelLoop::wake);
  }

  /** The sending of one channel's messages, on its own thread. */
  private final class ChannelLoop {
    private final String channel;
    private final BlockingQueue<Boolean> wakeUps = new ArrayBlockingQueue<>(1);
    private final Thread thread;

    ChannelLoop(String channel) {
      this.channel = channel;
      this.thread = Thread.ofVirtual().name("tasklane-chat-outbox-" + channel).start(this::run);
    }

    void wake() {
      wakeUps.offer(Boolean.TRUE);
    }

    private void run() {
      while (running) {
        try {
          Duration wait = sendDue(channel);
          wakeUps.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (RuntimeException e) {
          log.error("chat outbox pass of channel {} failed; trying again in {}", channel, IDLE, e);
          sleepQuietly(IDLE);
        }
      }
    }

    void stop() {
      thread.interrupt();
      try {
        thread.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Sends the due first message of each chat of {@code channel}; returns how long to wait before the next pass. */
  Duration sendDue(String channelName) throws InterruptedException {
    ChatChannel channel = channels.get(channelName);
    if (channel == null) return IDLE;
    Instant now = clock.instant();
    List<Pending> due = db.read(tx -> OutboxSql.dueHeads(tx.connection(), channelName, now, BATCH, node, HAND_OVER));
    boolean deliveredAny = false;
    for (Pending p : due) {
      if (deliver(p, channel)) deliveredAny = true;
      if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
    }
    if (deliveredAny || due.size() == BATCH) return Duration.ZERO; // a chat's next message may be waiting
    Instant next = db.read(tx -> OutboxSql.nextRetry(tx.connection(), channelName)).orElse(now.plus(IDLE));
    Duration wait = Duration.between(clock.instant(), next);
    // Past due and not taken here: a message this node failed to send, left to the others for a while.
    return wait.isNegative() ? HAND_OVER.minus(IDLE) : wait.compareTo(IDLE) > 0 ? IDLE : wait;
  }

  /** Sends the parts not yet sent; true when the whole message went through. */
  private boolean deliver(Pending p, ChatChannel channel) throws InterruptedException {
    if (!claim(p)) return false;
    List<String> parts = channel.parts(p.text(), config.maxMessageChars());
    for (int i = p.partsSent(); i < parts.size(); i++) {
      String platformId;
      List<Button> buttons = p.openTask() == null || i < parts.size() - 1 ? List.of() : StatusButtons.of(p.openTask());
      try {
        platformId = channel.send(new OutgoingMessage(p.target().chatId(), parts.get(i),
            i == 0 ? p.target().replyTo() : null, buttons));
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        failed(p, e);
        return false;
      }
      int sent = i + 1;
      boolean last = sent == parts.size();
      boolean first = i == 0;
      db.write(tx -> {
        Instant at = clock.instant();
        OutboxSql.partSent(tx.connection(), p.id(), sent, last, at, node == null ? null : at.plus(config.deliveryLease()));
        if (first) TranscriptSql.platformShows(tx.connection(), p.entryId(), platformId, p.text());
        return null;
      });
      if (first) listener.sent(p.entryId(), platformId, p.text());
    }
    return true;
  }

  /** True when this node may send the message: it is alone on its database, or it claimed the message. */
  private boolean claim(Pending p) {
    if (node == null) return true;
    Instant now = clock.instant();
    return db.write(tx -> OutboxSql.claim(tx.connection(), p.id(), p.partsSent(), node, now,
        now.plus(config.deliveryLease())));
  }

  private void failed(Pending p, Exception e) {
    int attempts = p.attempts() + 1;
    boolean refused = e instanceof DeliveryException d && d.permanent();
    boolean giveUp = refused || attempts >= config.maxDeliveryAttempts();
    Duration wait = backoff(attempts);
    if (e instanceof DeliveryException d && d.retryAfter().compareTo(wait) > 0) wait = d.retryAfter();
    Instant next = clock.instant().plus(wait);
    String error = e instanceof DeliveryException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    if (refused) {
      log.error("chat message {} to {}:{} was refused and will not be tried again: {}", p.id(), p.target().channel(),
          p.target().chatId(), error);
    } else if (giveUp) {
      log.error("giving up on chat message {} to {}:{} after {} attempts: {}", p.id(), p.target().channel(),
          p.target().chatId(), attempts, error);
    } else {
      log.warn("sending chat message {} to {}:{} failed (attempt {}), retrying at {}: {}", p.id(),
          p.target().channel(), p.target().chatId(), attempts, next, error);
    }
    db.write(tx -> {
      OutboxSql.failed(tx.connection(), p.id(), error, next, giveUp);
      return null;
    });
  }

  /** base · 2^(attempts−1), capped at the maximum. */
  Duration backoff(int attempts) {
    Duration d = config.deliveryRetryBase();
    for (int i = 1; i < attempts && d.compareTo(config.deliveryRetryMax()) < 0; i++) d = d.multipliedBy(2);
    return d.compareTo(config.deliveryRetryMax()) > 0 ? config.deliveryRetryMax() : d;
  }

  private static void sleepQuietly(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops sending; on a shared database, the messages this node had claimed go to the others at once. */
  @Override
  public synchronized void close() {
    running = false;
    loops.values().forEach(ChannelLoop::stop);
    loops.clear();
    if (node == null) return;
    try {
      db.write(tx -> OutboxSql.release(tx.connection(), node));
    } catch (RuntimeException e) {
      log.warn("handing this node's claimed chat messages back failed; others send them once the claims run out", e);
    }
  }
}
