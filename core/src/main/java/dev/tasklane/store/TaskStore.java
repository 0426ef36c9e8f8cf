package dev.tasklane.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.tasklane.core.Attempt;
import dev.tasklane.core.Node;
import dev.tasklane.core.Page;
import dev.tasklane.core.Progress;
import dev.tasklane.core.RetryPolicy;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskError;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.core.TaskState;
import dev.tasklane.store.Transitions.Changed;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Tasks over JDBC: every write is one unit of work on the {@link Database} (group-committed on
 * SQLite), and the events it made are handed to the publisher after the commit, in commit order.
 *
 * <p>On a database shared by several nodes, a write that leaves work another node could take (a new
 * task, one queued again, a slot freed by someone else than its worker) also signals
 * {@link Signals#WAKE}, and a cancel of a running task signals {@link Signals#CANCEL}, in the same
 * transaction: the other nodes hear of it when it commits.
 */
public final class TaskStore {
  private final Database db;
  private final Consumer<List<TaskEvent>> publisher;
  private final SessionIndex sessions;
  private final Signals signals;
  private final String node;
  private final Completions completions;
  private final IdHorizon eventHorizon;

  public TaskStore(Database db, Consumer<List<TaskEvent>> publisher) {
    this(db, publisher, "");
  }

  /** @param node this process's node id, which its own wake-ups carry so that it ignores them */
  public TaskStore(Database db, Consumer<List<TaskEvent>> publisher, String node) {
    this.db = db;
    this.publisher = publisher;
    this.sessions = db.dialect().sessionIndex();
    this.signals = db.signals().orElse(null);
    this.node = node;
    this.completions = new Completions(db, publisher);
    this.eventHorizon = db.horizon("task_events");
  }

  public void migrate() {
    db.migrate("core", "db/core");
    db.write(tx -> {
      sessions.start(tx);
      return null;
    });
  }

  /** What a submit did: the task, whether it is new, and the session's running tasks it asked to stop. */
  public record SubmitResult(Task task, boolean created, List<TaskId> interrupted) {}

  /** What a fan-out did: the parent's submit and each child's, in order. */
  public record FanOutResult(SubmitResult parent, List<SubmitResult> children) {}

  /** What a cancel did: the task after it, and whether its running handler must be signalled. */
  public record CancelResult(Task task, boolean signalRunning) {}

  /** What a lease renewal found: tasks no longer ours, and tasks whose cancel was requested. */
  public record Renewal(List<TaskId> lost, List<TaskId> cancelRequested) {}

  public SubmitResult submit(NewTask task, int maxPending, Instant now) {
    return submit(task, maxPending, now, () -> {});
  }

  /**
   * A submit that runs {@code queued} once its write is queued, before the write commits: a claim
   * that follows it into the writer may share its commit. Returns once the write is durable.
   */
  public SubmitResult submit(NewTask task, int maxPending, Instant now, Runnable queued) {
    CompletableFuture<SubmitResult> written = db.writeAsync(submitting(task, maxPending, now));
    queued.run();
    try {
      return Database.await(written);
    } catch (SubmitSql.KeyTaken e) {
      return db.write(submitting(task, maxPending, now)); // finds the task that took the key
    }
  }

  /**
   * Submits {@code children}, then {@code parent} depending on them too, in one transaction: all
   * of them are stored, or (one refused) none is, and none can start before the parent is stored.
   * Returns once the write is durable.
   */
  public FanOutResult fanOut(NewTask parent, List<NewTask> children, int maxPending, Instant now) {
    SqlWork<FanOutResult> fanOut = tx -> {
      List<SubmitResult> submitted = new ArrayList<>();
      for (NewTask child : children) submitted.add(submitting(child, maxPending, now).run(tx));
      NewTask p = parent.dependingAlsoOn(submitted.stream().map(s -> s.task().id()).toList());
      return new FanOutResult(submitting(p, maxPending, now).run(tx), submitted);
    };
    try {
      return db.write(fanOut);
    } catch (SubmitSql.KeyTaken e) {
      return db.write(fanOut); // finds the tasks that took the keys
    }
  }

  /**
   * {@link #submit} rehearsed ({@link Database#rehearse}), with the reads its caller makes next (the
   * task's place in the queue, read as a row) and, unless {@code claim} is null, the claim that
   * follows it into the same commit: nothing stays; false where it cannot run.
   */
  public boolean rehearseSubmit(NewTask task, int maxPending, int perSession, ClaimRequest claim, Instant now) {
    AppendingWork<SubmitResult> submit = submitting(task, maxPending, now);
    AppendingWork<Long> rehearsal = tx -> {
      long id = submit.run(tx).task().id().value();
      tx.rows().flush();
      long position = QuerySql.position(tx.connection(), id, 1, perSession, List.of(), now);
      if (claim != null) ClaimSql.claim(tx, claim, now).rows().forEach(TaskRows::map);
      return position;
    };
    return db.rehearse(rehearsal);
  }

  /** A submit as a unit of work; its rows may go in with those of the other submits of its batch. */
  public AppendingWork<SubmitResult> submitting(NewTask task, int maxPending, Instant now) {
    return tx -> {
      SubmitSql.Inserted r = SubmitSql.insert(tx, sessions, task, maxPending, now);
      if (r.created()) sessions.added(tx, r.task().id().value(), task.sessionKey());
      publish(tx, r.changes());
      if (r.created()) wakeOthers(tx);
      for (TaskId id : r.interrupted()) signalCancel(tx, id);
      return new SubmitResult(r.task(), r.created(), r.interrupted());
    };
  }

  public List<Task> claim(ClaimRequest request, Instant now) {
    List<TaskRows.Raw> rows = db.write(tx -> {
      Transitions.Claimed claimed = ClaimSql.claim(tx, request, now);
      publish(tx, claimed.changes());
      return claimed.rows();
    });
    return rows.stream().map(TaskRows::map).toList();
  }

  public boolean complete(TaskId id, long fence, JsonNode result, Instant now) {
    return change(completion(id, fence, result, now));
  }

  /**
   * {@link #complete} without waiting for the commit: a worker whose handler returned has nothing
   * left to wait for, and the writer then wakes no thread per completion. The completions waiting
   * when the writer gets to them are written together, with a few statements for all.
   */
  public CompletableFuture<Boolean> completeAsync(TaskId id, long fence, JsonNode result, Instant now) {
    JsonNode value = result == null ? NullNode.getInstance() : result;
    return completions.complete(id, fence, value, Json.write(value), now);
  }

  /** The completion's changes; the result is serialized here, on the caller's thread. */
  private static SqlWork<List<Changed>> completion(TaskId id, long fence, JsonNode result, Instant now) {
    JsonNode value = result == null ? NullNode.getInstance() : result;
    String json = Json.write(value);
    return tx -> Transitions.complete(tx, id.value(), fence, value, json, now);
  }

  public boolean fail(TaskId id, Long fence, TaskError error, Instant now) {
    return change(tx -> Transitions.fail(tx, id.value(), fence, error, now));
  }

  public boolean retry(TaskId id, long fence, TaskError error, Instant notBefore, Instant now) {
    return changeAll(waking(tx -> Transitions.retry(tx, id.value(), fence, error, notBefore, now, "retrying")
        .map(List::of).orElse(List.of()))) > 0;
  }

  /** Why a task handed back at shutdown is queued again. */
  public static final TaskError SHUTDOWN =
      new TaskError("shutdown", "the worker shut down; the task will run again", true);

  /** Hands a running task back to the queue without spending an attempt (shutdown). */
  public boolean release(TaskId id, long fence, Instant now) {
    return release(id, fence, SHUTDOWN, now);
  }

  /** Hands a running task back to the queue without spending an attempt, for {@code reason}. */
  public boolean release(TaskId id, long fence, TaskError reason, Instant now) {
    return changeAll(waking(tx -> Transitions.release(tx, id.value(), fence, reason, now)
        .map(List::of).orElse(List.of()))) > 0;
  }

  /** running → canceled; {@code fence} null when the grace period ended regardless of the worker. */
  public boolean cancelRunning(TaskId id, Long fence, String message, Instant now) {
    SqlWork<List<Changed>> work = tx -> Transitions.cancelRunning(tx, id.value(), fence, message, now);
    return changeAll(fence == null ? waking(work) : work) > 0;
  }

  public Optional<CancelResult> cancel(TaskId id, Instant now) {
    return db.write(tx -> {
      var c = tx.connection();
      Optional<Task> current = TaskRows.find(c, id.value());
      if (current.isEmpty()) return Optional.empty();
      Task t = current.get();
      if (t.state() == TaskState.QUEUED) {
        List<Changed> changes = Transitions.cancelQueued(tx, id.value(), now);
        publish(tx, changes);
        return Optional.of(new CancelResult(TaskRows.find(c, id.value()).orElse(t), false));
      }
      if (t.state() == TaskState.RUNNING) {
        Optional<Changed> requested = Transitions.requestCancel(tx, id.value(), now);
        requested.ifPresent(ch -> publish(tx, List.of(ch)));
        if (requested.isPresent()) signalCancel(tx, id);
        return Optional.of(new CancelResult(TaskRows.find(c, id.value()).orElse(t), true));
      }
      return Optional.of(new CancelResult(t, false));
    });
  }

  /** Persists progress and/or output of a running attempt; false if the attempt lost its lease. */
  public boolean progress(TaskId id, long fence, Progress progress, String output, Instant now) {
    return change(tx -> Transitions.progress(tx, id.value(), fence, progress, output, now)
        .map(List::of).orElse(List.of()));
  }

  public boolean saveCheckpoint(TaskId id, long fence, JsonNode state) {
    return db.write(tx -> MaintenanceSql.saveCheckpoint(tx, id.value(), fence, Json.write(state)));
  }

  public Optional<JsonNode> checkpoint(TaskId id) {
    return db.read(tx -> MaintenanceSql.checkpoint(tx, id.value())).map(Json::tree);
  }

  /** Renews the leases of tasks this node runs ({@code fences}: task id → fence). */
  public Renewal renew(String owner, Map<TaskId, Long> fences, Instant until) {
    if (fences.isEmpty()) return new Renewal(List.of(), List.of());
    return db.write(tx -> MaintenanceSql.renew(tx, owner, fences, until));
  }

  /**
   * This node's heartbeat, one write: its row in the cluster view, and the leases of the tasks it
   * runs ({@code fences}: task id → fence) renewed until {@code until}.
   */
  public Renewal heartbeat(int workers, Map<TaskId, Long> fences, Instant now, Instant until) {
    return db.write(tx -> {
      NodeSql.beat(tx, node, workers, now, false);
      if (fences.isEmpty()) return new Renewal(List.of(), List.of());
      return MaintenanceSql.renew(tx, node, fences, until);
    });
  }

  /**
   * Running tasks whose lease ran out (their node died) go back to the queue, or fail, as
   * {@code retries} decides. With {@code all}, every running task counts as orphaned: used at start on
   * a single-process database, where no other process can be running them.
   */
  public int reapLeases(Instant now, boolean all, RetryPolicy retries) {
    return changeAll(waking(tx -> MaintenanceSql.reapLeases(tx, now, all, retries)));
  }

  /** Queued tasks past their {@code expiresAt} become expired. */
  public int expire(Instant now) {
    return changeAll(tx -> MaintenanceSql.expire(tx, now));
  }

  /** Running tasks whose cancel was requested more than {@code grace} ago become canceled regardless. */
  public int forceCancels(Instant now, Duration grace) {
    return changeAll(waking(tx -> MaintenanceSql.forceCancels(tx, now, grace)));
  }

  /** Deletes terminal tasks that finished before {@code before}, with their events and attempts. */
  public int purge(Instant before) {
    return db.write(tx -> {
      NodeSql.forget(tx, before);
      return MaintenanceSql.purge(tx, before);
    });
  }

  /** Renews this node's row in the cluster view ({@code starting}: it started now). */
  public void beat(int workers, Instant now, boolean starting) {
    db.write(tx -> {
      NodeSql.beat(tx, node, workers, now, starting);
      return null;
    });
  }

  /** Marks this node as stopped in the cluster view. */
  public void stopped(Instant now) {
    db.write(tx -> {
      NodeSql.stopped(tx, node, now);
      return null;
    });
  }

  /** Every node known, alive while its last heartbeat is younger than {@code silence}. */
  public List<Node> nodes(Instant now, Duration silence) {
    return db.read(tx -> NodeSql.all(tx.connection(), now, silence));
  }

  public Optional<Task> find(TaskId id) {
    return db.read(tx -> TaskRows.find(tx.connection(), id.value()));
  }

  public Page<Task> list(TaskQuery query) {
    return db.read(tx -> QuerySql.list(tx.connection(), sessions, query));
  }

  /**
   * Tasks that run before this one (bounded by {@code cap}): the queued ones ahead of it that may
   * start at {@code now}, and the running ones of its session it waits for when the session may run
   * {@code perSession} at once; -1 if it is not queued.
   */
  public long position(TaskId id, int cap, int perSession, Instant now) {
    return position(id, cap, perSession, List.of(), now);
  }

  /** The same, counting only the queued tasks of sessions in {@code scopes} ({@link TaskQuery#inScope}). */
  public long position(TaskId id, int cap, int perSession, List<String> scopes, Instant now) {
    return db.read(tx -> QuerySql.position(tx.connection(), id.value(), cap, perSession, scopes, now));
  }

  public List<TaskEvent> events(TaskId id, long afterSeq, int limit) {
    return db.read(tx -> EventRows.forTask(tx.connection(), id.value(), afterSeq, limit));
  }

  /**
   * Events after a global id, of one session or (sessionKey null) of all, oldest first, up to the
   * settled horizon ({@link #settledEventId}): resuming after the last one misses no event that
   * commits later.
   */
  public List<TaskEvent> eventsAfter(String sessionKey, long afterId, int limit) {
    return eventsAfter(sessionKey, afterId, settledEventId(), limit);
  }

  /** Events with global ids in ({@code afterId}, {@code upTo}], oldest first; {@code upTo} at most settled. */
  public List<TaskEvent> eventsAfter(String sessionKey, long afterId, long upTo, int limit) {
    if (upTo <= afterId) return List.of();
    return db.read(tx -> EventRows.after(tx.connection(), sessions, sessionKey, afterId, upTo, limit));
  }

  /**
   * An event id at or below which every event is final: committed and visible, or never to be
   * ({@link IdHorizon}). Where events commit in the order of their ids, every id is.
   */
  public long settledEventId() {
    return eventHorizon.settled();
  }

  /** Like {@link #settledEventId}, without waiting for the transactions in flight. */
  public long settledEventIdNow() {
    return eventHorizon.settledNow();
  }

  /** Every event id up to {@code id} is final (this process committed the ids following settled ones). */
  public void eventsSettledThrough(long id) {
    eventHorizon.settledThrough(id);
  }

  /**
   * The id of the newest event a cursor may stand on (0 if none): where events commit out of id
   * order, not past one that may still appear, so subscribing after it misses nothing new.
   */
  public long lastEventId() {
    long settled = settledEventId();
    return Math.min(settled, db.read(tx -> EventRows.lastId(tx.connection())));
  }

  public List<Attempt> attempts(TaskId id) {
    return db.read(tx -> QuerySql.attempts(tx.connection(), id.value()));
  }

  public Map<TaskState, Long> countByState() {
    return db.read(tx -> QuerySql.countByState(tx.connection()));
  }

  /** When the earliest queued task becomes due, or empty if none waits for a time. */
  public Optional<Instant> nextDue(Instant now) {
    return db.read(tx -> QuerySql.nextDue(tx.connection(), now));
  }

  /** Runs a change; true if it applied (false: the task was not in the expected state or fence). */
  private boolean change(SqlWork<List<Changed>> work) {
    return changeAll(work) > 0;
  }

  /** Runs changes, publishes their events after the commit, and counts them. */
  private int changeAll(SqlWork<List<Changed>> work) {
    return db.write(publishing(work));
  }

  /** The unit of work that makes the changes and publishes their events after the commit; its value is how many. */
  private SqlWork<Integer> publishing(SqlWork<List<Changed>> work) {
    return tx -> {
      List<Changed> changes = work.run(tx);
      publish(tx, changes);
      return changes.size();
    };
  }

  /**
   * {@code work}, telling the other nodes when it changed anything: it queued a task again or freed
   * a slot of a session or kind that a node other than this one may fill first.
   */
  private SqlWork<List<Changed>> waking(SqlWork<List<Changed>> work) {
    return tx -> {
      List<Changed> changes = work.run(tx);
      if (!changes.isEmpty()) wakeOthers(tx);
      return changes;
    };
  }

  private void wakeOthers(Tx tx) throws SQLException {
    if (signals != null) signals.send(tx, Signals.WAKE, node);
  }

  private void signalCancel(Tx tx, TaskId id) throws SQLException {
    if (signals != null) signals.send(tx, Signals.CANCEL, id.toString());
  }

  private void publish(Tx tx, List<Changed> changes) {
    if (changes.isEmpty()) return;
    List<TaskEvent> events = changes.stream().map(Changed::event).toList();
    tx.afterCommit(() -> publisher.accept(events));
  }
}
