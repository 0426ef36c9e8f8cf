package dev.tasklane.chat;

import dev.tasklane.chat.TranscriptSql.StatusRow;
import dev.tasklane.core.EventType;
import dev.tasklane.core.Node;
import dev.tasklane.core.Progress;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import dev.tasklane.engine.Lane;
import dev.tasklane.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each task's one status message up to date: its text follows the task's progress (or says
 * "still working" when the handler has been quiet for {@code heartbeatAfter}), changes at most once
 * per {@code progressEditInterval}, and is edited in place on the platform once the message was
 * sent. Edits are best effort: a failed edit is tried again at the next interval, with the newest
 * text; the result itself always goes through the outbox.
 *
 * <p>The node that wrote a status message keeps it up to date, with the task's events from every
 * node, up to its final text, whichever node recorded the task's outcome. On a database shared by
 * several nodes another node may have sent it: its platform id is then
 * read from the transcript, at most once per {@code progressEditInterval}. A node takes over the
 * unsettled status messages of nodes that are gone (stopped, or silent past their lease), looked for
 * at start and every heartbeat interval; one node wins each (a conditional update of its keeper).
 * Only a node that has the message's channel takes it: one that cannot edit on that platform (a
 * node without the Telegram bot's token, say) would keep it frozen.
 */
final class StatusReporter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusReporter.class);
  private static final Set<EventType> ACTIVITY =
      Set.of(EventType.STARTED, EventType.PROGRESS, EventType.OUTPUT, EventType.RETRYING);

  /** One status message being kept up to date. Guarded by its own monitor. */
  private static final class Tracked {
    final TaskId taskId;
    final long entryId;
    final String channel;
    final String chatId;
    String platformId;
    String platformText;
    String text;
    boolean open;
    Instant lastCheck;
    Instant lastPlatformEdit = Instant.MIN;
    Instant lastPlatformLookup = Instant.MIN;
    Instant notBefore = Instant.MIN;
    Instant lastActivity;
    String lastOutput;

    Tracked(TaskId taskId, long entryId, String channel, String chatId, String text, boolean open, Instant now) {
      this.taskId = taskId;
      this.entryId = entryId;
      this.channel = channel;
      this.chatId = chatId;
      this.text = text;
      this.open = open;
      this.lastCheck = now;
    }
  }

  private final Lane lane;
  private final Database db;
  /** True when other nodes share the database, and may have sent a status message this node follows. */
  private final boolean shared;
  private final Transcript transcript;
  private final Map<String, ChatChannel> channels;
  private final ChatConfig config;
  private final Clock clock;
  private final Map<TaskId, Tracked> tracked = new ConcurrentHashMap<>();
  private final Map<Long, TaskId> byEntry = new ConcurrentHashMap<>();
  private ScheduledExecutorService timer;
  private Instant lookedForOrphans = Instant.MIN;

  StatusReporter(Lane lane, Transcript transcript, Map<String, ChatChannel> channels, ChatConfig config, Clock clock) {
    this.lane = lane;
    this.db = lane.database();
    this.shared = db.signals().isPresent();
    this.transcript = transcript;
    this.channels = channels;
    this.config = config;
    this.clock = clock;
  }

  /** Picks up the status messages left unsettled by the previous run, then starts the edit loop. */
  void start() {
    adoptUnsettled(true);
    long tick = Math.clamp(config.progressEditInterval().toMillis() / 4, 20, 1000);
    timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("tasklane-chat-status")
        .factory());
    timer.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
  }

  /**
   * Follows the unsettled status messages no live node keeps: all of them when the database is this
   * node's alone, else those whose keeper is gone (or, at start, is this node under the same id) and
   * whose channel this node has, once this node took them over. (At start this node's own are taken
   * whatever their channel: channels such as Telegram register just after the chat service starts.)
   * Later looks skip this node's own: those it stopped following (past
   * {@code maxTrackedStatusMessages}) stay dropped.
   */
  private void adoptUnsettled(boolean atStart) {
    Instant now = clock.instant();
    lookedForOrphans = now;
    String me = lane.config().nodeId();
    Set<String> alive = shared ? lane.nodes().stream().filter(Node::alive).map(Node::id).collect(Collectors.toSet())
        : Set.of();
    for (StatusRow r : db.read(tx -> TranscriptSql.unsettledStatus(tx.connection()))) {
      if (byEntry.containsKey(r.entry().id())) continue;
      if (shared) {
        boolean mine = me.equals(r.keeper());
        if (mine ? !atStart : r.keeper() != null && alive.contains(r.keeper())) continue;
        if (!mine && !channels.containsKey(r.channel())) continue; // for a node that can edit it there
        if (!db.write(tx -> TranscriptSql.adoptStatus(tx.connection(), r.entry().id(), r.keeper(), me))) continue;
      }
      Tracked t = new Tracked(r.entry().taskId(), r.entry().id(), r.channel(), r.chatId(), r.entry().text(), r.open(),
          now);
      t.platformId = r.platformMessageId();
      t.platformText = r.platformText();
      add(t);
    }
  }

  /** Follows a new status message (an acknowledgement just written). */
  void track(ChatMessage status, String channel, String chatId) {
    add(new Tracked(status.taskId(), status.id(), channel, chatId, status.text(), true, clock.instant()));
  }

  private void add(Tracked t) {
    tracked.put(t.taskId, t);
    byEntry.put(t.entryId, t.taskId);
    while (tracked.size() > config.maxTrackedStatusMessages()) evictOne();
  }

  /**
   * Stops following one status message, to stay within {@code maxTrackedStatusMessages}: a finished
   * task's (it only waits for its final edit) before a running one's, the oldest first. A message
   * whose platform never takes it would otherwise be followed forever.
   */
  private void evictOne() {
    Tracked victim = null;
    for (Tracked t : tracked.values()) {
      if (victim == null || isOpen(victim) && !isOpen(t)
          || isOpen(victim) == isOpen(t) && t.taskId.compareTo(victim.taskId) < 0) {
        victim = t;
      }
    }
    if (victim == null) return;
    tracked.remove(victim.taskId);
    byEntry.remove(victim.entryId);
  }

  /** How many status messages are followed now. */
  int trackedCount() {
    return tracked.size();
  }

  /** Notes that the handler reported something (for the heartbeat). */
  void onEvent(TaskEvent e) {
    if (!ACTIVITY.contains(e.type())) return;
    Tracked t = tracked.get(e.taskId());
    if (t != null) {
      synchronized (t) {
        t.lastActivity = e.at();
        if (e.type() == EventType.OUTPUT) t.lastOutput = lastLine(e.output(), t.lastOutput);
      }
    }
  }

  private static String lastLine(String output, String otherwise) {
    if (output == null) return otherwise;
    List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
    return lines.isEmpty() ? otherwise : lines.getLast().strip();
  }

  /** The task finished: its status message now has its final text. */
  void closed(ChatMessage status) {
    Tracked t = tracked.get(status.taskId());
    if (t == null) return;
    synchronized (t) {
      t.open = false;
      t.text = status.text();
    }
  }

  /** The message reached the platform with this id and text. */
  void sent(long entryId, String platformMessageId, String text) {
    TaskId id = byEntry.get(entryId);
    Tracked t = id == null ? null : tracked.get(id);
    if (t == null) return;
    synchronized (t) {
      t.platformId = platformMessageId;
      t.platformText = text;
      t.lastPlatformEdit = clock.instant();
    }
  }

  private void tick() {
    if (shared && due(lookedForOrphans, clock.instant(), lane.config().heartbeatInterval())) {
      try {
        adoptUnsettled(false);
      } catch (RuntimeException e) {
        log.warn("looking for status messages of nodes that are gone failed", e);
      }
    }
    for (Tracked t : tracked.values()) {
      try {
        step(t);
      } catch (RuntimeException e) {
        log.warn("updating the status message of task {} failed", t.taskId, e);
      }
    }
  }

  private void step(Tracked t) {
    Instant now = clock.instant();
    if (isOpen(t) && due(t.lastCheck, now)) refresh(t, now);
    if (shared) sentElsewhere(t, now);
    pushToPlatform(t, clock.instant()); // not `now`: the refresh may have taken a while
    synchronized (t) {
      if (!t.open && t.platformId != null && t.text.equals(t.platformText)) {
        tracked.remove(t.taskId);
        byEntry.remove(t.entryId);
      }
    }
  }

  /** Looks up the platform id of a message another node sent. */
  private void sentElsewhere(Tracked t, Instant now) {
    synchronized (t) {
      if (t.platformId != null || !due(t.lastPlatformLookup, now)) return;
      t.lastPlatformLookup = now;
    }
    db.read(tx -> TranscriptSql.onPlatform(tx.connection(), t.entryId)).ifPresent(p -> {
      synchronized (t) {
        if (t.platformId != null) return;
        t.platformId = p.platformMessageId();
        t.platformText = p.platformText();
        t.lastPlatformEdit = now;
      }
    });
  }

  /** Recomputes the text from the ledger; writes it to the transcript if it changed. */
  private void refresh(Tracked t, Instant now) {
    Instant lastActivity;
    String lastOutput;
    synchronized (t) {
      t.lastCheck = now;
      lastActivity = t.lastActivity;
      lastOutput = t.lastOutput;
    }
    Optional<Task> found = lane.get(t.taskId);
    if (found.isEmpty() || found.get().isTerminal()) {
      closeIfRecorded(t);
      return;
    }
    Task task = found.get();
    Progress p = task.progress();
    if ((p.message() == null || p.message().isBlank()) && lastOutput != null) {
      task = task.withProgress(p.withFraction(p.fraction(), lastOutput)); // a command's output says how far it got
    }
    long position = task.state() == TaskState.QUEUED ? lane.position(t.taskId) : -1;
    String text = TaskTexts.status(task, position, now, lastActivity, config.heartbeatAfter());
    synchronized (t) {
      if (!t.open || text.equals(t.text)) return;
    }
    Optional<ChatMessage> edited = db.write(tx -> transcript.editOpenStatus(tx, t.entryId, text, now));
    synchronized (t) {
      if (edited.isPresent() && t.open) t.text = text;
    }
  }

  /**
   * The task finished: once its outcome is recorded, the status message has its final text. The node
   * that records the outcome closes the message at once if it keeps it ({@link #closed}); on a
   * database shared by several nodes another node (the one that ran the task, most often) may have
   * recorded it, and the keeper reads the final text here.
   */
  private void closeIfRecorded(Tracked t) {
    db.read(tx -> OutboxSql.outcomeEntry(tx.connection(), t.taskId).isPresent()
        ? TranscriptSql.find(tx.connection(), t.entryId) : Optional.<ChatMessage>empty()).ifPresent(this::closed);
  }

  /**
   * Edits the platform's message when its text is behind, at most once per interval and not before
   * the platform allows: the newest text goes out then, and the final text always does (the message
   * stays tracked until the platform shows it). A running task's message carries a Cancel button;
   * the final edit goes without, which removes it.
   */
  private void pushToPlatform(Tracked t, Instant now) {
    String text;
    String platformId;
    boolean open;
    synchronized (t) {
      if (t.platformId == null || t.text.equals(t.platformText) || !due(t.lastPlatformEdit, now)
          || now.isBefore(t.notBefore)) {
        return;
      }
      t.lastPlatformEdit = now;
      text = t.text;
      platformId = t.platformId;
      open = t.open;
    }
    ChatChannel channel = channels.get(t.channel);
    if (channel == null) return;
    try {
      channel.edit(platformId, new OutgoingMessage(t.chatId, text, null,
          open ? StatusButtons.of(t.taskId) : List.of()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (DeliveryException e) {
      if (!e.permanent()) {
        synchronized (t) {
          t.notBefore = now.plus(e.retryAfter());
        }
        log.debug("the status message of task {} waits {} for the platform: {}", t.taskId, e.retryAfter(),
            e.getMessage());
        return;
      }
      log.warn("the status message of task {} can no longer be edited: {}", t.taskId, e.getMessage());
      synchronized (t) {
        t.platformText = text; // nothing more can be shown there: settle it
        if (open) t.open = false;
      }
      return;
    } catch (Exception e) {
      log.debug("editing the status message of task {} failed; trying again later", t.taskId, e);
      return;
    }
    synchronized (t) {
      t.platformText = text;
    }
    db.write(tx -> {
      TranscriptSql.platformShows(tx.connection(), t.entryId, platformId, text);
      return null;
    });
  }

  private boolean isOpen(Tracked t) {
    synchronized (t) {
      return t.open;
    }
  }

  private boolean due(Instant last, Instant now) {
    return due(last, now, config.progressEditInterval());
  }

  private static boolean due(Instant last, Instant now, Duration every) {
    return last.equals(Instant.MIN) || Duration.between(last, now).compareTo(every) >= 0;
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
      try {
        timer.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
