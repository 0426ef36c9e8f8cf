package dev.tasklane.engine;

import dev.tasklane.core.Attempt;
import dev.tasklane.core.BusyPolicy;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.EventListener;
import dev.tasklane.core.EventType;
import dev.tasklane.core.LaneConfig;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Node;
import dev.tasklane.core.Page;
import dev.tasklane.core.RetryPolicy;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Submitted;
import dev.tasklane.core.Subscription;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.core.TaskState;
import dev.tasklane.engine.claim.Dispatcher;
import dev.tasklane.engine.execute.Execution;
import dev.tasklane.engine.maintain.Housekeeping;
import dev.tasklane.store.Database;
import dev.tasklane.store.NewTask;
import dev.tasklane.store.Signals;
import dev.tasklane.store.TaskStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry point to the engine: submit work, look at it, cancel it, follow its events. Channels,
 * the gateway and the command line all go through a Lane.
 *
 * <pre>{@code
 * Lane lane = Lane.builder()
 *     .database(SqliteDatabase.open(Path.of("data/tasklane.db")))
 *     .handler("echo", ctx -> TaskResult.of(ctx.input()))
 *     .start();
 * Submitted s = lane.submit(SubmitRequest.builder("web:alice", "echo").build());
 * }</pre>
 */
public final class Lane implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Lane.class);
  /**
   * Positions are counted up to this many tasks ahead: counting costs a walk over the queue, and
   * "100 ahead" tells a person as much as "31,507 ahead".
   */
  public static final int POSITION_CAP = 100;

  private final Database database;
  private final LaneConfig config;
  private final Clock clock;
  private final Map<String, TaskHandler> handlers;
  private final EventBus bus = new EventBus();
  private final TaskStore store;
  private final SubmitValidator validator;
  private final ScheduledExecutorService timers;
  private final Dispatcher dispatcher;
  private final Housekeeping housekeeping;
  private final RetryPolicy retries;
  private final AtomicLong discarded = new AtomicLong();
  private EventRelay relay;
  private OtherNodes otherNodes;
  private volatile boolean accepting = true;
  private volatile boolean closed;

  private Lane(Builder b) {
    this.database = Objects.requireNonNull(b.database, "database");
    this.config = b.config;
    this.clock = b.clock;
    this.handlers = new ConcurrentHashMap<>(b.handlers);
    this.store = new TaskStore(database, bus::publish, config.nodeId());
    this.validator = new SubmitValidator(config);
    this.retries = RetryPolicy.of(config);
    this.timers = Executors.newScheduledThreadPool(2, Thread.ofPlatform().name("tasklane-timer-", 0).daemon(true)
        .factory());
    this.dispatcher = new Dispatcher(store, clock, config, handlers.keySet(),
        task -> new Execution(services(), task, handlers.get(task.kind())));
    this.housekeeping = new Housekeeping(store, clock, config, dispatcher, retries);
  }

  public static Builder builder() {
    return new Builder();
  }

  private Lane start() {
    store.migrate();
    if (database.dialect().singleProcess()) {
      int orphans = store.reapLeases(clock.instant(), true, retries);
      if (orphans > 0) log.info("recovered {} tasks left running by a previous process", orphans);
    }
    // A completed task may let dependents run: wake the dispatcher when anything ends.
    bus.addInternal(e -> {
      if (e.state().isTerminal() || e.type() == EventType.RETRYING) dispatcher.wake();
    });
    database.signals().ifPresent(this::listenToOtherNodes);
    store.beat(config.concurrency(), clock.instant(), true);
    if (config.concurrency() > 0) dispatcher.start();
    housekeeping.start(timers);
    log.info("lane {} started: kinds {}, concurrency {}", config.nodeId(), handlers.keySet(), config.concurrency());
    return this;
  }

  /** Other nodes share the database: hear their submits, cancels and events. */
  private void listenToOtherNodes(Signals signals) {
    relay = new EventRelay(EventRelay.Reader.of(store), bus::toFeeds, bus::hasFeeds, store.lastEventId());
    bus.relayThrough(relay);
    relay.start();
    otherNodes = new OtherNodes(signals, new OtherNodes.Targets(config.nodeId(), dispatcher, relay,
        this::signalHere, housekeeping::heartbeat));
    otherNodes.start(timers, config.maintenanceInterval().toMillis());
  }

  /** Stores a new task (durable when this returns) and wakes a worker. */
  public Submitted submit(SubmitRequest request) {
    checkAccepting();
    Instant now = clock.instant();
    NewTask task = validator.validate(request, handlers, now);
    // A free slot's claim is queued right behind the submit, so that it may share its commit; and
    // once more after the commit, for a store that writes the submit's rows late in its batch.
    // With every slot busy, the next freed slot wakes the dispatcher, and its claim sees this task.
    TaskStore.SubmitResult r = store.submit(task, config.maxPendingPerSession(), now, this::wakeIfFree);
    Submitted s = submitted(r);
    if (r.created()) wakeIfFree();
    return s;
  }

  private void wakeIfFree() {
    if (dispatcher.hasFreeSlot()) dispatcher.wake();
  }

  /**
   * Runs {@link #submit}'s checks and its write, and the claim that follows it on a node that runs
   * tasks, and keeps nothing: the writes are rolled back, no event is published, no worker woken, no
   * id used up ({@link Database#rehearse}). At start, so that the first real submit, and the claim that
   * shares its commit, find their code loaded and their statements prepared. False where the
   * database cannot rehearse (then nothing ran); a refused request throws as {@link #submit} would.
   */
  public boolean rehearseSubmit(SubmitRequest request) {
    Instant now = clock.instant();
    return store.rehearseSubmit(validator.validate(request, handlers, now), config.maxPendingPerSession(),
        config.perSession(), config.concurrency() > 0 ? dispatcher.claimRequest() : null, now);
  }

  /**
   * Submits {@code children} and a {@code parent} that runs once all of them completed, with their
   * results in its input ({@code "dependencies"}); if a child fails, the parent fails. One write:
   * when a child or the parent is refused, nothing is stored and the refusal is thrown.
   */
  public FanOut fanOut(SubmitRequest parent, List<SubmitRequest> children) {
    checkAccepting();
    if (children.isEmpty()) throw new LaneException(ErrorCode.BAD_REQUEST, "a fan-out needs at least one child");
    Instant now = clock.instant();
    List<NewTask> tasks = new ArrayList<>();
    for (SubmitRequest child : children) {
      BusyPolicy p = child.busyPolicy() == null ? BusyPolicy.PARALLEL : child.busyPolicy();
      tasks.add(validator.validate(child.toBuilder().busyPolicy(p).build(), handlers, now));
    }
    NewTask p = validator.validate(parent, handlers, now, tasks.size());
    TaskStore.FanOutResult r = store.fanOut(p, tasks, config.maxPendingPerSession(), now);
    List<Submitted> submitted = new ArrayList<>();
    for (TaskStore.SubmitResult s : r.children()) submitted.add(submitted(s));
    FanOut f = new FanOut(submitted(r.parent()), submitted);
    if (r.parent().created() || r.children().stream().anyMatch(TaskStore.SubmitResult::created)) wakeIfFree();
    return f;
  }

  /** A submit's outcome for its caller; a session's tasks it interrupted are told to stop here. */
  private Submitted submitted(TaskStore.SubmitResult r) {
    for (TaskId id : r.interrupted()) stopHere(id);
    TaskId id = r.task().id();
    return new Submitted(r.task(), r.created(), () -> position(id));
  }

  /** The task, with its latest progress (also progress not yet persisted). */
  public Optional<Task> get(TaskId id) {
    Optional<Task> t = store.find(id);
    Execution e = dispatcher.running.get(id);
    if (t.isPresent() && e != null && t.get().state() == TaskState.RUNNING) {
      return Optional.of(t.get().withProgress(e.latestProgress()));
    }
    return t;
  }

  /** Like {@link #get}, but a missing task is a {@code not_found} {@link LaneException}. */
  public Task require(TaskId id) {
    return get(id).orElseThrow(() -> new LaneException(ErrorCode.NOT_FOUND, "no task " + id));
  }

  public Page<Task> list(TaskQuery query) {
    return store.list(query);
  }

  /**
   * How many queued tasks run before this one (0 = next), counted up to {@link #POSITION_CAP}, or -1
   * if it is not queued.
   */
  public long position(TaskId id) {
    return store.position(id, POSITION_CAP, config.perSession(), clock.instant());
  }

  /**
   * Like {@link #position(TaskId)}, counting only the tasks of sessions in {@code scopes} (see
   * {@link TaskQuery#inScope}): what a caller who sees only those sessions is shown.
   */
  public long position(TaskId id, List<String> scopes) {
    return store.position(id, POSITION_CAP, config.perSession(), scopes, clock.instant());
  }

  /**
   * Cancels a task: a queued one at once, a running one by signalling its handler and, after the
   * grace period, regardless. A terminal task is returned as it is (not an error).
   */
  public Task cancel(TaskId id) {
    TaskStore.CancelResult r = store.cancel(id, clock.instant())
        .orElseThrow(() -> new LaneException(ErrorCode.NOT_FOUND, "no task " + id));
    if (r.signalRunning()) stopHere(id);
    return r.task();
  }

  /** Cancels every queued and running task of a session; returns them as they are after the call. */
  public List<Task> cancelSession(String sessionKey) {
    List<Task> out = new ArrayList<>();
    String cursor = null;
    do {
      Page<Task> page = list(new TaskQuery(sessionKey, null, Set.of(TaskState.QUEUED, TaskState.RUNNING), null,
          TaskQuery.MAX_LIMIT, cursor));
      for (Task t : page.items()) out.add(cancel(t.id()));
      cursor = page.nextCursor();
    } while (cursor != null);
    return out;
  }

  /** Submits a fresh copy (same session, kind, input, origin, priority) of a terminal task. */
  public Submitted retry(TaskId id) {
    Task t = require(id);
    if (!t.isTerminal()) {
      throw new LaneException(ErrorCode.CONFLICT, "task " + id + " is still " + t.state().wire());
    }
    return submit(SubmitRequest.builder(t.sessionKey(), t.kind()).input(t.input()).priority(t.priority())
        .maxAttempts(t.maxAttempts()).deadline(t.deadline()).origin(t.origin()).build());
  }

  /** Every attempt of the task, oldest first. */
  public List<Attempt> attempts(TaskId id) {
    return store.attempts(id);
  }

  /** Persisted events of one task with {@code seq > afterSeq}, oldest first. */
  public List<TaskEvent> events(TaskId id, long afterSeq, int limit) {
    return store.events(id, afterSeq, limit);
  }

  /** Events of one task after {@code afterSeq}: the missed ones first, then live; no gap, no duplicate. */
  public Subscription subscribeTask(TaskId id, long afterSeq, EventListener listener) {
    return new EventFeed(bus, e -> e.taskId().equals(id), TaskEvent::seq, afterSeq,
        (cursor, limit) -> store.events(id, cursor, limit), listener).start();
  }

  /** Events of every task of a session after the global event id {@code afterEventId}. */
  public Subscription subscribeSession(String sessionKey, long afterEventId, EventListener listener) {
    return new EventFeed(bus, e -> e.sessionKey().equals(sessionKey), TaskEvent::id, afterEventId,
        (cursor, limit) -> store.eventsAfter(sessionKey, cursor, limit), listener).start();
  }

  /** Events of every task after the global event id {@code afterEventId}. */
  public Subscription subscribeAll(long afterEventId, EventListener listener) {
    return new EventFeed(bus, e -> true, TaskEvent::id, afterEventId,
        (cursor, limit) -> store.eventsAfter(null, cursor, limit), listener).start();
  }

  /** The id of the newest stored event (0 if none): subscribe after it to get only new events. */
  public long lastEventId() {
    return store.lastEventId();
  }

  /** Number of tasks in each state (every state present, zero included). */
  public Map<TaskState, Long> countByState() {
    return store.countByState();
  }

  /** True from start until shutdown begins: the lane takes submits and runs tasks. */
  public boolean isRunning() {
    return accepting;
  }

  /** Tasks running in this process now. */
  public int runningHere() {
    return dispatcher.running.size();
  }

  /**
   * Outcomes of attempts run here that the database refused: the attempt had lost its lease (its
   * task was taken over by another node, or canceled past its grace period), so its fence no longer
   * matched. The task's one terminal state is the other's.
   */
  public long discardedOutcomes() {
    return discarded.get();
  }

  /** Write batches run again because they collided with another node's transaction (none failed for it). */
  public long retriedWrites() {
    return database.retriedWrites();
  }

  /**
   * The nodes that run lanes on this database (one on SQLite): alive while their heartbeat is
   * younger than the lease duration, with the tasks running under each one's lease.
   */
  public List<Node> nodes() {
    return store.nodes(clock.instant(), config.leaseDuration());
  }

  /** The kinds this lane has handlers for. */
  public Set<String> kinds() {
    return Set.copyOf(handlers.keySet());
  }

  public LaneConfig config() {
    return config;
  }

  public Clock clock() {
    return clock;
  }

  /** The database the lane stores in; other modules keep their own tables there too. */
  public Database database() {
    return database;
  }

  /**
   * Stops taking new work, lets running tasks finish for up to {@code grace}, then interrupts the
   * rest and hands them back to the queue (without spending an attempt) for the next start.
   */
  public void shutdown(Duration grace) {
    if (!accepting) return;
    accepting = false;
    if (otherNodes != null) otherNodes.close();
    dispatcher.stop();
    awaitRunning(grace);
    for (Execution e : dispatcher.running.values()) e.stop(Execution.Stop.SHUTDOWN);
    awaitRunning(config.cancelGrace());
    for (Execution e : dispatcher.running.values()) {
      store.release(e.taskId(), e.fence(), clock.instant()); // a handler that ignores interrupts
    }
    timers.shutdownNow();
    try {
      // A maintenance tick in flight finishes before close() takes the database away.
      timers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (relay != null) relay.close();
    bus.closeAll();
    try {
      store.stopped(clock.instant());
    } catch (RuntimeException e) {
      log.warn("could not mark node {} as stopped; it shows as gone once its heartbeat is old", config.nodeId(), e);
    }
  }

  /** {@link #shutdown} with the cancel grace period, then closes the database. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    shutdown(config.cancelGrace());
    database.close();
  }

  private void awaitRunning(Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!dispatcher.running.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Signals the handler if the task runs here (its cancel was requested on another node). */
  private void signalHere(TaskId id) {
    Execution e = dispatcher.running.get(id);
    if (e != null) e.stop(Execution.Stop.CANCEL);
  }

  /** Signals the handler if the task runs here, and makes the cancel final after the grace period. */
  private void stopHere(TaskId id) {
    signalHere(id);
    long graceMs = config.cancelGrace().toMillis() + 50;
    timers.schedule(() -> Thread.startVirtualThread(() -> {
      if (!accepting) return; // shutting down: the next start's maintenance enforces it
      try {
        store.forceCancels(clock.instant(), config.cancelGrace());
      } catch (RuntimeException ex) {
        log.warn("enforcing the cancel of {} failed; maintenance will retry", id, ex);
      }
    }), graceMs, TimeUnit.MILLISECONDS);
  }

  private Execution.Services services() {
    return new Execution.Services(store, clock, config, timers, this::submit, retries, dispatcher::slotFreed,
        dispatcher::finished, discarded::incrementAndGet);
  }

  private void checkAccepting() {
    if (!accepting) throw new LaneException(ErrorCode.UNAVAILABLE, "the lane is shutting down");
  }

  /** The parent and children submitted by {@link #fanOut}. */
  public record FanOut(Submitted parent, List<Submitted> children) {}

  /** Builds and starts a lane. */
  public static final class Builder {
    private Database database;
    private LaneConfig config = LaneConfig.defaults();
    private Clock clock = Clock.systemUTC();
    private final Map<String, TaskHandler> handlers = new ConcurrentHashMap<>();

    private Builder() {}

    public Builder database(Database database) {
      this.database = database;
      return this;
    }

    public Builder config(LaneConfig config) {
      this.config = Objects.requireNonNull(config);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    public Builder handler(String kind, TaskHandler handler) {
      if (kind == null || kind.isBlank()) throw new IllegalArgumentException("kind is required");
      handlers.put(kind, Objects.requireNonNull(handler));
      return this;
    }

    /** Migrates the schema, recovers orphaned tasks, and starts workers and maintenance loops. */
    public Lane start() {
      return new Lane(this).start();
    }
  }
}
