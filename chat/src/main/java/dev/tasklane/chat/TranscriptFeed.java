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
 *
 * <p>Where entries commit out of the order of their ids, a live entry past the cursor is not
 * delivered as it comes: it makes the feed read what is stored after its cursor up to the settled
 * horizon, so an older entry that commits later is never passed. While the horizon is held below
 * an entry it was told of, the feed reads again after {@link #HELD_BACK_MS}.
 */
final class TranscriptFeed implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(TranscriptFeed.class);
  private static final int BUFFER = 10_000;

  /**
   * How soon a feed reads again while a transaction in flight holds the horizon below a new entry;
   * twice as long each time it is still held back, up to a second.
   */
  static final long HELD_BACK_MS = 10;

  /** What a read after the cursor found: entries in id order, all of them up to {@code settled}. */
  record Missed(List<ChatMessage> entries, long settled) {}

  /** Reads what the subscriber missed after a cursor. */
  interface Replay {
    Missed after(long afterId);
  }

  private final String sessionKey;
  private final boolean inOrder;
  private final Replay replay;
  private final Consumer<ChatMessage> listener;
  private final Runnable onClose;
  private final LinkedBlockingQueue<ChatMessage> buffer = new LinkedBlockingQueue<>(BUFFER);
  private final AtomicBoolean overflowed = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Last edit time delivered per entry id, so an edit is delivered once. */
  private final Map<Long, Instant> editsDelivered = new HashMap<>();
  private long cursor;
  /** The newest entry the feed was told of and has not read yet (0 if none). */
  private long awaited;
  private long heldBack = HELD_BACK_MS;
  private Thread thread;

  /** @param inOrder entries become visible in the order of their ids: a live one is delivered as it comes */
  TranscriptFeed(String sessionKey, long afterId, boolean inOrder, Replay replay, Consumer<ChatMessage> listener,
      Runnable onClose) {
    this.sessionKey = sessionKey;
    this.inOrder = inOrder;
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
        ChatMessage m = buffer.poll(awaited > 0 ? heldBack : 1_000, TimeUnit.MILLISECONDS);
        if (overflowed.getAndSet(false)) {
          buffer.clear();
          catchUp();
        } else if (m != null) {
          take(m);
        } else if (awaited > 0) {
          catchUp();
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

  /** A live entry: an edit of one delivered, or (in id order) the next one; else a reason to read. */
  private void take(ChatMessage m) {
    if (inOrder || m.id() <= cursor) {
      deliver(m);
      return;
    }
    awaited = Math.max(awaited, m.id());
    catchUp();
  }

  private void catchUp() {
    Missed missed = replay.after(cursor);
    for (ChatMessage m : missed.entries()) deliver(m);
    if (missed.settled() >= awaited) {
      awaited = 0;
      heldBack = HELD_BACK_MS;
    } else {
      heldBack = Math.min(heldBack * 2, 1_000);
    }
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
