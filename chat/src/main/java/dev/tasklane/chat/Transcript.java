package dev.tasklane.chat;

import dev.tasklane.chat.TranscriptSql.NewEntry;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Subscription;
import dev.tasklane.store.Database;
import dev.tasklane.store.IdHorizon;
import dev.tasklane.store.Signals;
import dev.tasklane.store.Tx;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions' transcripts: writes inside the caller's transaction, reads, and live feeds.
 *
 * <p>On a database shared by several nodes (PostgreSQL), a subscriber on one node sees what any
 * node writes: every write signals the entry's id on {@link #SIGNAL} when it commits, and each node
 * reads the entries signalled for the sessions it has feeds of and hands them to those feeds. Its
 * own writes take the same path. Entries commit out of the order of their ids there, so every read
 * after a cursor (a page, the latest entries, a feed's replay) stops at the table's settled
 * {@link IdHorizon}, and a feed takes a new entry only through such a read: it never gets a newer
 * entry before an older one, nor passes one that commits later. Alone on its database (SQLite), a
 * node hands an entry to its feeds right after the commit, in id order.
 */
final class Transcript {
  private static final Logger log = LoggerFactory.getLogger(Transcript.class);
  /** How many earlier edited status messages a new subscription is given, so it sees their last text. */
  private static final int EDITED_STATUS_REPLAY = 20;
  /** Transcript entries added or edited; payload: {@code <entry id> <session key>}. */
  static final String SIGNAL = "tasklane_transcript";

  private final Database db;
  private final int pageLimit;
  private final IdHorizon horizon;
  private final Map<String, List<TranscriptFeed>> feeds = new ConcurrentHashMap<>();
  /** Null when the database has no signals: this node is the only writer. */
  private final Signals signals;
  /** Reads signalled entries, one at a time in the order they were committed. */
  private final ExecutorService reader;
  private final AutoCloseable listening;

  Transcript(Database db, int pageLimit) {
    this.db = db;
    this.pageLimit = pageLimit;
    this.signals = db.signals().orElse(null);
    this.horizon = db.horizon("chat_messages");
    if (signals == null) {
      this.reader = null;
      this.listening = null;
    } else {
      this.reader = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("tasklane-transcript-signals").factory());
      this.listening = signals.listen(SIGNAL, new Signals.Listener() {
        @Override
        public void signal(String payload) {
          changed(payload);
        }

        @Override
        public void reconnected() {
          feeds.values().forEach(list -> list.forEach(TranscriptFeed::catchUpSoon));
        }
      });
    }
  }

  /** Adds an entry; subscribers see it once the transaction committed. */
  ChatMessage append(Tx tx, NewEntry entry) throws SQLException {
    ChatMessage m = TranscriptSql.insert(tx.connection(), entry);
    committed(tx, m);
    return m;
  }

  /** Changes an entry's text; subscribers see the edit once the transaction committed. */
  ChatMessage edit(Tx tx, long id, String text, Instant at, boolean open) throws SQLException {
    ChatMessage m = TranscriptSql.edit(tx.connection(), id, text, at, open);
    committed(tx, m);
    return m;
  }

  /** Changes the text of a status message still open; empty if its task finished meanwhile. */
  Optional<ChatMessage> editOpenStatus(Tx tx, long id, String text, Instant at) throws SQLException {
    if (!TranscriptSql.editOpenStatus(tx.connection(), id, text, at)) return Optional.empty();
    ChatMessage m = TranscriptSql.find(tx.connection(), id).orElseThrow();
    committed(tx, m);
    return Optional.of(m);
  }

  private void committed(Tx tx, ChatMessage m) throws SQLException {
    if (signals == null) tx.afterCommit(() -> publish(m));
    else signals.send(tx, SIGNAL, m.id() + " " + m.sessionKey());
  }

  /** On the signal thread: queues the read of a signalled entry if this node follows its session. */
  private void changed(String payload) {
    int space = payload.indexOf(' ');
    if (space < 0) return;
    String sessionKey = payload.substring(space + 1);
    List<TranscriptFeed> list = feeds.get(sessionKey);
    if (list == null || list.isEmpty()) return;
    long id = Long.parseLong(payload.substring(0, space));
    try {
      reader.execute(() -> {
        try {
          db.read(tx -> TranscriptSql.find(tx.connection(), id)).ifPresent(this::publish);
        } catch (RuntimeException e) {
          log.warn("reading transcript entry {} failed; its subscribers catch up", id, e);
          list.forEach(TranscriptFeed::catchUpSoon);
        }
      });
    } catch (RejectedExecutionException closing) {
      // the chat service is closing: its feeds are closed too
    }
  }

  List<ChatMessage> page(String sessionKey, long afterId, int limit) {
    checkPage(sessionKey, limit);
    long settled = horizon.settled();
    return db.read(tx -> TranscriptSql.after(tx.connection(), sessionKey, afterId, settled, limit));
  }

  List<ChatMessage> latest(String sessionKey, int limit) {
    checkPage(sessionKey, limit);
    long settled = horizon.settled();
    return db.read(tx -> TranscriptSql.latest(tx.connection(), sessionKey, settled, limit));
  }

  private void checkPage(String sessionKey, int limit) {
    if (sessionKey == null || sessionKey.isBlank()) throw new LaneException(ErrorCode.BAD_REQUEST, "no session given");
    if (limit < 1 || limit > pageLimit) {
      throw new LaneException(ErrorCode.BAD_REQUEST, "limit must be between 1 and " + pageLimit + ": " + limit);
    }
  }

  Subscription subscribe(String sessionKey, long afterId, Consumer<ChatMessage> listener) {
    if (sessionKey == null || sessionKey.isBlank()) throw new LaneException(ErrorCode.BAD_REQUEST, "no session given");
    List<TranscriptFeed> list = feeds.computeIfAbsent(sessionKey, k -> new CopyOnWriteArrayList<>());
    TranscriptFeed[] self = new TranscriptFeed[1];
    self[0] = new TranscriptFeed(sessionKey, Math.max(0, afterId), db.dialect().idsVisibleInOrder(),
        cursor -> missed(sessionKey, afterId, cursor), listener, () -> list.remove(self[0]));
    list.add(self[0]);
    return self[0].start();
  }

  /**
   * What a subscriber that has seen up to {@code afterId} missed: the latest edited status messages
   * up to it (the edit may have happened since), then every entry after {@code cursor} up to the
   * settled horizon.
   */
  private TranscriptFeed.Missed missed(String sessionKey, long afterId, long cursor) {
    long settled = horizon.settled();
    return db.read(tx -> {
      List<ChatMessage> out = new ArrayList<>();
      if (afterId > 0) out.addAll(TranscriptSql.editedStatus(tx.connection(), sessionKey, afterId, EDITED_STATUS_REPLAY));
      long from = cursor;
      while (true) {
        List<ChatMessage> page = TranscriptSql.after(tx.connection(), sessionKey, from, settled, pageLimit);
        out.addAll(page);
        if (page.size() < pageLimit) return new TranscriptFeed.Missed(out, settled);
        from = page.getLast().id();
      }
    });
  }

  private void publish(ChatMessage m) {
    List<TranscriptFeed> list = feeds.get(m.sessionKey());
    if (list != null) list.forEach(f -> f.offer(m));
  }

  void closeAll() {
    if (listening != null) {
      try {
        listening.close();
      } catch (Exception e) {
        log.debug("closing the transcript's listener", e);
      }
      reader.shutdownNow();
    }
    feeds.values().forEach(l -> l.forEach(TranscriptFeed::close));
  }
}
