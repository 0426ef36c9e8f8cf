package dev.tasklane.chat;

import dev.tasklane.attachments.Attachment;
import dev.tasklane.attachments.AttachmentStore;
import dev.tasklane.chat.ChatMessage.Role;
import dev.tasklane.chat.Commands.Answer;
import dev.tasklane.chat.Commands.Route;
import dev.tasklane.chat.Commands.Submit;
import dev.tasklane.chat.OutboxSql.Target;
import dev.tasklane.chat.TranscriptSql.InboxRow;
import dev.tasklane.chat.TranscriptSql.NewEntry;
import dev.tasklane.chat.access.Grants;
import dev.tasklane.chat.access.SenderGrants;
import dev.tasklane.chat.schedule.ScheduleCommands;
import dev.tasklane.chat.schedule.Schedules;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Origin;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Submitted;
import dev.tasklane.core.Subscription;
import dev.tasklane.core.Task;
import dev.tasklane.engine.Lane;
import java.util.Set;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.core.TaskState;
import dev.tasklane.store.Database;
import dev.tasklane.store.Tx;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat flow shared by every channel (DESIGN §6): dedupe and store an incoming message, answer
 * commands from the ledger, turn other text into a task, answer within the yield window with the
 * result or an acknowledgement, keep one status message per task up to date, and deliver the result
 * exactly once through an outbox in the database. docs/CHAT.md describes the flow and its knobs.
 *
 * <p>Every answer is sent to the platform by the service itself, through the channel registered
 * under the message's channel name, from a background thread: {@link #receive} never waits on a
 * platform.
 *
 * <pre>{@code
 * ChatService chat = new ChatService(lane, ChatConfig.defaults(), Clock.systemUTC());
 * chat.addChannel(telegram);
 * chat.setAgentRouter((session, text) -> Optional.of(SubmitRequest.builder(session, "llm").input(...)));
 * chat.start();
 * Reply r = chat.receive(new IncomingMessage("telegram", "12345", "981", "alice", "summarise the logs"));
 * }</pre>
 */
public final class ChatService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChatService.class);
  private static final int MAX_ID_CHARS = 256;
  /** How long after its arrival an unanswered message counts as abandoned rather than in progress. */
  private static final Duration ANSWER_GRACE = Duration.ofSeconds(30);

  private final Lane lane;
  private final ChatConfig config;
  private final Clock clock;
  private final Database db;
  private final Map<String, ChatChannel> channels = new ConcurrentHashMap<>();
  private final Transcript transcript;
  private final Outcomes outcomes;
  private final Commands commands;
  private final TaskWaiter waiter;
  private final StatusReporter reporter;
  private final OutboxSender sender;
  private final EventFollower follower;
  private final Schedules schedules;
  private final AgentAccess agents = new AgentAccess();
  private final MessageFiles files = new MessageFiles();
  private boolean started;
  /** Messages stored before this instant were received by an earlier run of the process. */
  private final Instant startedAt;

  /** Migrates the chat tables into the lane's database ({@code db/chat/<dialect>}). */
  public ChatService(Lane lane, ChatConfig config, Clock clock) {
    this.lane = lane;
    this.config = config;
    this.clock = clock;
    this.db = lane.database();
    this.startedAt = clock.instant();
    db.migrate("chat", "db/chat");
    this.transcript = new Transcript(db, config.transcriptLimit());
    this.outcomes = new Outcomes(transcript, clock);
    this.schedules = new Schedules(db, config.schedules(), clock, new ScheduledMessages(this::receive));
    this.commands = new Commands(lane, config, clock, new ScheduleCommands(schedules, clock));
    this.waiter = new TaskWaiter(lane);
    this.reporter = new StatusReporter(lane, transcript, channels, config, clock);
    this.sender = new OutboxSender(lane, channels, config, clock, reporter::sent);
    this.follower = new EventFollower(lane, outcomes, reporter, sender, clock);
    follower.init();
  }

  public ChatConfig config() {
    return config;
  }

  /** Registers a platform under its {@link ChatChannel#name()}; messages for it are sent through it. */
  public void addChannel(ChatChannel channel) {
    channels.put(channel.name(), channel);
    sender.channelAdded(channel.name());
  }

  /**
   * Sets how the grants of a message's sender are found (docs/SECURITY.md). Without it, every sender
   * is a {@code user}: the agent profiles, no {@code /run}.
   */
  public void setAccess(SenderGrants access) {
    agents.setAccess(access);
  }

  /** Sets the router that turns free text into a task; without one, free text gets a how-to reply. */
  public void setAgentRouter(AgentRouter router) {
    agents.setRouter(router);
  }

  /** Lets messages carry files stored here; without a store, a message with attachments is refused. */
  public void setAttachments(AttachmentStore attachments) {
    files.setStore(attachments);
  }

  /**
   * Adds a slash command, e.g. {@code "/agent"}, with the line {@code /help} shows for it
   * ({@code "/agent — pick the agent that answers this chat"}).
   *
   * @throws IllegalArgumentException for a malformed name, a built-in command's name or a blank
   *     description
   */
  public void addCommand(String name, String description, ChatCommand command) {
    commands.add(name, description, command);
  }

  /**
   * Dedupes by (chat, message id), stores the message in the transcript, answers a command or
   * starts a task, and waits at most the yield window (counted from the call) for that task. The
   * answer is sent to the platform in the background, through the outbox.
   *
   * @throws LaneException {@code bad_request} for a message without channel, chat or message id
   *     or text, {@code too_large} for a text over {@link ChatConfig#maxIncomingChars}
   */
  public Reply receive(IncomingMessage message) {
    validate(message);
    long deadline = System.nanoTime() + config.yieldWindow().toNanos();
    List<Attachment> attached = files.of(message);
    IncomingMessage shown = attached.isEmpty() ? message : new IncomingMessage(message.channel(), message.chatId(),
        message.messageId(), message.sender(), message.text() + MessageFiles.note(attached), message.attachments());
    Received received;
    try {
      received = db.write(tx -> store(tx.connection(), tx, shown));
    } catch (SeenMeanwhile e) {
      received = db.write(tx -> store(tx.connection(), tx, shown)); // finds what the other stored
    }
    if (received.earlier() != null && !neverAnswered(received.earlier())) return received.earlier();
    typing(message);
    Grants grants = grantsOf(message);
    // Commands read what was typed; the agent also reads which files came with it.
    Route route = commands.route(message, grants).orElseGet(() -> agents.route(shown, grants));
    return switch (route) {
      case Answer a -> answer(message, received.user(), a.text());
      case Submit s -> startTask(message, received.user(), MessageFiles.into(s.request(), attached), attached,
          deadline);
    };
  }

  private boolean canStartNow(Submitted submitted) {
    Task t = submitted.task();
    if (t.state() != TaskState.QUEUED) return true;
    if (submitted.position() > 0) return false;
    TaskQuery pending = new TaskQuery(t.sessionKey(), null, Set.of(TaskState.QUEUED, TaskState.RUNNING), null, 2,
        null);
    return lane.list(pending).items().size() <= 1;
  }

  /**
   * True for a message stored by an earlier call that never answered it (the process stopped in
   * between): the platform's redelivery is answered now. That is a message stored before this
   * service started, or one old enough that no call can still be working on it. Routing again is
   * safe: the task's submit carries the message's idempotency key, so it finds the task submitted
   * before, if any.
   */
  private boolean neverAnswered(Reply earlier) {
    if (earlier.answer() != null) return false;
    Instant stored = earlier.userMessage().at();
    Instant stale = clock.instant().minus(config.yieldWindow()).minus(ANSWER_GRACE);
    return stored.isBefore(startedAt.truncatedTo(ChronoUnit.MILLIS)) || stored.isBefore(stale);
  }

  /** The stored user message, or the earlier reply when the message was seen before. */
  private record Received(ChatMessage user, Reply earlier) {}

  private Received store(Connection c, Tx tx, IncomingMessage m) throws SQLException {
    String session = m.sessionKey();
    Optional<InboxRow> seen = TranscriptSql.inbox(c, session, m.messageId());
    if (seen.isPresent()) {
      InboxRow row = seen.get();
      ChatMessage user = TranscriptSql.find(c, row.userEntry()).orElseThrow();
      ChatMessage answer = row.answerEntry() == null ? null : TranscriptSql.find(c, row.answerEntry()).orElse(null);
      return new Received(user, new Reply(user, answer, row.taskId(), true));
    }
    Instant now = clock.instant();
    ChatMessage user = transcript.append(tx, new NewEntry(session, Role.USER, m.text(), null, null, now, false,
        m.channel(), m.chatId(), m.messageId()));
    if (!TranscriptSql.insertInbox(c, session, m.messageId(), user.id(), now)) throw new SeenMeanwhile();
    return new Received(user, null);
  }

  /** Another connection stored the same message after this one looked: this unit is undone. */
  private static final class SeenMeanwhile extends RuntimeException {
    SeenMeanwhile() {
      super("the message was stored meanwhile", null, false, false);
    }
  }

  private Grants grantsOf(IncomingMessage m) {
    return agents.grantsOf(m.channel(), m.sender());
  }

  /** Answers at once: a transcript entry replying to the message, sent through the outbox. */
  private Reply answer(IncomingMessage m, ChatMessage user, String text) {
    return db.write(tx -> {
      ChatMessage answer = transcript.append(tx, new NewEntry(m.sessionKey(), Role.ASSISTANT, text, null, user.id(),
          clock.instant(), false, m.channel(), m.chatId(), null));
      OutboxSql.enqueue(tx.connection(), answer.id(), target(m), null, clock.instant());
      TranscriptSql.answered(tx.connection(), m.sessionKey(), m.messageId(), answer.id(), null);
      tx.afterCommit(sender::wake);
      return new Reply(user, answer, null, false);
    });
  }

  /**
   * Runs the command behind a button that {@code sender} pressed under a message in this chat (e.g.
   * {@code /cancel 00KQ}), with the sender's grants, and returns the short answer to show: nothing is
   * stored in the transcript, and nothing but a command can run this way.
   */
  public String action(String channel, String chatId, String sender, String action) {
    Optional<Route> route = action == null ? Optional.empty()
        : commands.route(new IncomingMessage(channel, chatId, null, sender, action),
            agents.grantsOf(channel, sender));
    if (route.isPresent() && route.get() instanceof Answer a) return a.text();
    return "That button does nothing any more.";
  }

  /**
   * Sends a notice to a chat through the outbox, outside the flow of messages: a reply to a message
   * that was not taken (a stranger's, one too long). It is stored in the chat's transcript as an
   * answer; the message it replies to is not.
   *
   * @param replyTo the platform id of the message it answers, or null
   */
  public void tell(String channel, String chatId, String replyTo, String text) {
    String session = channel + ":" + chatId;
    db.write(tx -> {
      ChatMessage notice = transcript.append(tx, new NewEntry(session, Role.ASSISTANT, text, null, null,
          clock.instant(), false, channel, chatId, null));
      OutboxSql.enqueue(tx.connection(), notice.id(), new Target(channel, chatId, replyTo), null, clock.instant());
      tx.afterCommit(sender::wake);
      return null;
    });
  }

  private Reply startTask(IncomingMessage m, ChatMessage user, SubmitRequest.Builder builder,
      List<Attachment> attached, long deadline) {
    SubmitRequest request = builder.origin(new Origin(m.channel(), m.chatId(), m.messageId(), m.sender())).build();
    if (!m.sessionKey().equals(request.sessionKey())) {
      log.error("the agent router built a task for session {} from a message of {}", request.sessionKey(),
          m.sessionKey());
      return answer(m, user, "The agent is misconfigured (it chose another chat's session); nothing was started.");
    }
    if (request.idempotencyKey() == null) {
      request = request.toBuilder().idempotencyKey(idempotencyKey(m)).build();
    }
    Submitted submitted;
    try {
      submitted = lane.submit(request);
    } catch (LaneException e) {
      return answer(m, user, refusal(e));
    }
    files.link(submitted.task().id(), attached);
    Receipts.show(lane, channels.get(m.channel()), m, user.id(), submitted);
    // A task that cannot start now (behind its session's other work, or behind other queued
    // tasks) will not finish within the window: acknowledge at once instead of waiting it out.
    Task task = canStartNow(submitted) ? waiter.awaitTerminal(submitted.task(), deadline) : submitted.task();
    long position = task.isTerminal() ? -1 : lane.position(task.id());
    return db.write(tx -> {
      ChatMessage answer;
      if (task.isTerminal()) {
        Outcomes.Recorded r = outcomes.record(tx, task).orElseThrow();
        if (r.closedStatus() != null) tx.afterCommit(() -> reporter.closed(r.closedStatus()));
        answer = r.reply();
      } else {
        answer = ackOrOutcome(tx, m, user, task, position);
      }
      TranscriptSql.answered(tx.connection(), m.sessionKey(), m.messageId(), answer.id(), task.id());
      tx.afterCommit(sender::wake);
      return new Reply(user, answer, task.id(), false);
    });
  }

  /**
   * The acknowledgement, which becomes the task's status message; unless the task's outcome was
   * recorded in the meantime (it finished just after the window), which is then the answer.
   */
  private ChatMessage ackOrOutcome(Tx tx, IncomingMessage m, ChatMessage user, Task task,
      long position) throws SQLException {
    Optional<Long> outcome = OutboxSql.outcomeEntry(tx.connection(), task.id());
    if (outcome.isPresent()) return TranscriptSql.find(tx.connection(), outcome.get()).orElseThrow();
    ChatMessage ack = transcript.append(tx, new NewEntry(m.sessionKey(), Role.ASSISTANT, TaskTexts.ack(task, position),
        task.id(), user.id(), clock.instant(), true, m.channel(), m.chatId(), null));
    OutboxSql.enqueue(tx.connection(), ack.id(), target(m), null, clock.instant());
    TranscriptSql.keepStatus(tx.connection(), ack.id(), lane.config().nodeId());
    tx.afterCommit(() -> reporter.track(ack, m.channel(), m.chatId()));
    return ack;
  }

  private static Target target(IncomingMessage m) {
    return new Target(m.channel(), m.chatId(), ScheduledMessages.platformReplyTo(m.messageId()));
  }

  private static String idempotencyKey(IncomingMessage m) {
    String key = "chat:" + m.messageId();
    return key.length() <= MAX_ID_CHARS ? key : key.substring(0, MAX_ID_CHARS);
  }

  private static String refusal(LaneException e) {
    return switch (e.code()) {
      case BUSY -> "This chat already has a task running, and new ones are refused while it runs."
          + " /status shows it, /cancel <id> stops it.";
      case RATE_LIMITED -> "Too many tasks are waiting in this chat: " + e.getMessage()
          + ". /cancel all clears them.";
      default -> "Could not start the task: " + e.getMessage() + " (" + e.code().wire() + ").";
    };
  }

  private void typing(IncomingMessage m) {
    ChatChannel channel = channels.get(m.channel());
    if (channel == null) return;
    Thread.ofVirtual().name("tasklane-chat-typing").start(() -> {
      try {
        channel.typing(m.chatId());
      } catch (RuntimeException e) {
        log.debug("typing indicator for {} failed", m.sessionKey(), e);
      }
    });
  }

  private void validate(IncomingMessage m) {
    if (m == null) throw new LaneException(ErrorCode.BAD_REQUEST, "no message given");
    requireId(m.channel(), "channel");
    requireId(m.chatId(), "chat id");
    requireId(m.messageId(), "message id");
    if (m.channel().contains(":")) throw new LaneException(ErrorCode.BAD_REQUEST, "a channel name cannot contain ':'");
    if (m.text() == null || m.text().isBlank()) throw new LaneException(ErrorCode.BAD_REQUEST, "the message is empty");
    if (m.text().length() > config.maxIncomingChars()) {
      throw new LaneException(ErrorCode.TOO_LARGE, "the message has " + m.text().length()
          + " characters; at most " + config.maxIncomingChars() + " are accepted");
    }
  }

  private static void requireId(String value, String what) {
    if (value == null || value.isBlank()) throw new LaneException(ErrorCode.BAD_REQUEST, "no " + what + " given");
    if (value.length() > MAX_ID_CHARS) {
      throw new LaneException(ErrorCode.BAD_REQUEST, "the " + what + " is longer than " + MAX_ID_CHARS + " characters");
    }
  }

  /**
   * Entries of a session with an id above {@code afterId}, oldest first, at most {@code limit}.
   *
   * @throws LaneException {@code bad_request} for a limit outside 1..{@link ChatConfig#transcriptLimit}
   */
  public List<ChatMessage> transcript(String sessionKey, long afterId, int limit) {
    return transcript.page(sessionKey, afterId, limit);
  }

  /**
   * The newest {@code limit} entries of a session, oldest first (e.g. a model's conversation
   * context, or the first screen of a web chat).
   *
   * @throws LaneException {@code bad_request} for a limit outside 1..{@link ChatConfig#transcriptLimit}
   */
  public List<ChatMessage> recent(String sessionKey, int limit) {
    return transcript.latest(sessionKey, limit);
  }

  /**
   * New and edited entries of a session, live, on the subscription's own thread: first the stored
   * entries after {@code afterId} (and the latest edited status messages up to it, whose edit may
   * have been missed), then every new entry and edit as it is committed. Entries are identified by
   * {@link ChatMessage#id()}: an edit replaces the entry with the same id.
   */
  public Subscription subscribe(String sessionKey, long afterId, Consumer<ChatMessage> listener) {
    return transcript.subscribe(sessionKey, afterId, listener);
  }

  /** How many status messages are kept up to date now (at most {@link ChatConfig#maxTrackedStatusMessages}). */
  int trackedStatusMessages() {
    return reporter.trackedCount();
  }

  /** The schedules of {@code /later} and {@code /every}. */
  public Schedules schedules() {
    return schedules;
  }

  /**
   * Starts following the lane's events (from where the last run stopped), the status messages, and
   * the delivery of pending messages.
   */
  public synchronized void start() {
    if (started) return;
    started = true;
    reporter.start();
    sender.start();
    follower.start();
    schedules.start();
  }

  /** Stops the background work; the lane stays open. Pending deliveries wait for the next start. */
  @Override
  public synchronized void close() {
    schedules.close();
    follower.close();
    reporter.close();
    sender.close();
    transcript.closeAll();
  }
}
