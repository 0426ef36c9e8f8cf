package dev.tasklane.chat;

import dev.tasklane.core.Subscription;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live subscription to a session's transcript: stored entries first, then new entries and
 * edits as they are committed, each handed to the listener on the feed's own thread.
 *
 * <p>Like the lane's event feeds, it buffers live entries before it reads the stored ones, so
 * nothing committed during the replay is missed; an entry is delivered again only when it is
 * newer than what was delivered (a higher id, or a later edit).
 */
final class TranscriptFeed implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(TranscriptFeed.class);
  private static final int BUFFER = 10_000;

  /** Reads what the subscriber missed after a cursor. */
  interface Replay {
    List<ChatMessage> after(long afterId);
  }

  private final String sessionKey;
  private final Replay replay;
  private final Consumer<ChatMessage> listener;
  private final Runnable onClose;
  private final LinkedBlockingQueue<ChatMessage> buffer = new LinkedBlockingQueue<>(BUFFER);
  private final AtomicBoolean overflowed = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Last edit time delivered per entry id, so an edit is delivered once. */
  private final Map<Long, Instant> editsDelivered = new HashMap<>();
  private long cursor;
  private Thread thread;

  TranscriptFeed(String sessionKey, long afterId, Replay replay, Consumer<ChatMessage> listener, Runnable onClose) {
    this.sessionKey = sessionKey;
    this.cursor = afterId;
    this.replay = replay;
    this.listener = listener;
    this.onClose = onClose;
  }

  String sessionKey() {
    return sessionKey;
  }

  /** Starts the replay and delivery thread; the feed must already receive {@link #offer}s. */
  TranscriptFeed start() {
    thread = Thread.ofVirtual().name("tasklane-transcript-feed").start(this::run);
    return this;
  }

  /** Called on the committing thread: only queues. */
  void offer(ChatMessage m) {
    if (!closed.get() && !buffer.offer(m)) overflowed.set(true);
  }

  /** Something may have been missed (a lost signal connection): reads what is stored after the cursor. */
  void catchUpSoon() {
    if (!closed.get()) overflowed.set(true);
  }

  private void run() {
    try {
      catchUp();
      while (!closed.get()) {
        ChatMessage m = buffer.poll(1, TimeUnit.SECONDS);
        if (overflowed.getAndSet(false)) {
          buffer.clear();
          catchUp();
        } else if (m != null) {
          deliver(m);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (!closed.get()) log.error("transcript subscription of {} failed", sessionKey, e);
    } finally {
      close();
    }
  }

  private void catchUp() {
    for (ChatMessage m : replay.after(cursor)) deliver(m);
  }

  private void deliver(ChatMessage m) {
    if (closed.get()) return;
    boolean isNew = m.id() > cursor;
    Instant seenEdit = editsDelivered.get(m.id());
    boolean newerEdit = m.editedAt() != null && (seenEdit == null || m.editedAt().isAfter(seenEdit));
    if (!isNew && !newerEdit) return;
    if (isNew) cursor = m.id();
    if (m.editedAt() != null) editsDelivered.put(m.id(), m.editedAt());
    try {
      listener.accept(m);
    } catch (RuntimeException e) {
      log.warn("transcript listener of {} failed on entry {}", sessionKey, m.id(), e);
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      onClose.run();
      if (thread != null && thread != Thread.currentThread()) thread.interrupt();
    }
  }
}
