package dev.tasklane.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.core.EventType;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import dev.tasklane.store.Transitions.Changed;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Completions of handlers that returned, written together: those waiting when the writer gets to
 * them go in with a few set-based statements (one UPDATE of the tasks, one INSERT of their events,
 * one change of the sessions' pending counts, one look for dependents), not a handful of
 * statements each. On PostgreSQL every statement is a round trip to the server; on SQLite the
 * writer's time per statement is what a drain spends.
 *
 * <p>A completion is guarded like any other worker's write: it applies only to a task still
 * {@code running} under the fence of its attempt.
 */
final class Completions {
  /** Rows per statement: four parameters each, well within both databases' limits. */
  private static final int CHUNK = 256;

  private record Pending(long id, long fence, JsonNode result, String resultJson, Instant at,
      CompletableFuture<Boolean> applied) {}

  private final Database db;
  private final Consumer<List<TaskEvent>> publisher;
  private final ConcurrentLinkedQueue<Pending> waiting = new ConcurrentLinkedQueue<>();
  /** True while a unit that will take the waiting completions is queued and has not begun. */
  private final AtomicBoolean queued = new AtomicBoolean();

  Completions(Database db, Consumer<List<TaskEvent>> publisher) {
    this.db = db;
    this.publisher = publisher;
  }

  /** Queues a completion; the future says, once committed, whether it applied. */
  CompletableFuture<Boolean> complete(TaskId id, long fence, JsonNode result, String resultJson, Instant at) {
    CompletableFuture<Boolean> applied = new CompletableFuture<>();
    waiting.add(new Pending(id.value(), fence, result, resultJson, at, applied));
    if (queued.compareAndSet(false, true)) {
      Unit unit = new Unit();
      db.writeAsync(unit).whenComplete((ok, failure) -> unit.settle(failure));
    }
    return applied;
  }

  /** One batch of completions: those waiting when it first runs, the same ones if it is replayed. */
  private final class Unit implements AppendingWork<Void> {
    private List<Pending> mine;
    private Map<Long, Boolean> applied = Map.of();

    @Override
    public Void run(Tx tx) throws SQLException {
      if (mine == null) {
        queued.set(false); // completions from now on need a unit of their own
        mine = new ArrayList<>();
        for (Pending p = waiting.poll(); p != null; p = waiting.poll()) mine.add(p);
      }
      Map<Long, Boolean> done = new HashMap<>();
      List<Changed> changes = new ArrayList<>();
      for (int at = 0; at < mine.size(); at += CHUNK) {
        completeChunk(tx, mine.subList(at, Math.min(mine.size(), at + CHUNK)), done, changes);
      }
      applied = done;
      if (!changes.isEmpty()) {
        List<TaskEvent> events = changes.stream().map(Changed::event).toList();
        tx.afterCommit(() -> publisher.accept(events));
      }
      return null;
    }

    void settle(Throwable failure) {
      if (mine == null) return;
      for (Pending p : mine) {
        if (failure != null) p.applied().completeExceptionally(failure);
        else p.applied().complete(applied.getOrDefault(p.id(), false));
      }
    }
  }

  private static void completeChunk(Tx tx, List<Pending> chunk, Map<Long, Boolean> done, List<Changed> changes)
      throws SQLException {
    TaskState.RUNNING.checkMoveTo(TaskState.COMPLETED);
    if (tx.dialect().writesInOneStatement()) {
      completeChained(tx, chunk, done, changes);
      return;
    }
    Map<Long, Pending> byId = new LinkedHashMap<>();
    for (Pending p : chunk) byId.put(p.id(), p);
    String values = String.join(", ", chunk.stream().map(p -> "(?, ?, ?, ?)").toList());
    Map<Long, Object[]> completed = new LinkedHashMap<>(); // id -> session, seq
    try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE tasks SET state = 'completed',"
        + " finished_at = c.column4, result = c.column3, lease_until = NULL, error = NULL, last_seq = last_seq + 1"
        + " FROM (VALUES " + values + ") AS c"
        + " WHERE tasks.id = c.column1 AND tasks.state = 'running' AND tasks.fence = c.column2"
        + " RETURNING tasks.id, tasks.session_key, tasks.last_seq")) {
      int i = 1;
      for (Pending p : chunk) {
        ps.setLong(i++, p.id());
        ps.setLong(i++, p.fence());
        ps.setString(i++, p.resultJson());
        ps.setLong(i++, p.at().toEpochMilli());
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) completed.put(rs.getLong(1), new Object[] {rs.getString(2), rs.getLong(3)});
      }
    }
    for (Pending p : chunk) done.put(p.id(), completed.containsKey(p.id()));
    if (completed.isEmpty()) return;
    // Events in the order the completions came, each with the next id reserved.
    List<Long> ids = chunk.stream().map(Pending::id).filter(completed::containsKey).distinct().toList();
    long[] eventIds = tx.rows().reserveIds(Rows.Table.EVENTS, ids.size());
    int next = 0;
    Map<String, Integer> endedPerSession = new LinkedHashMap<>();
    List<Object[]> rows = new ArrayList<>(ids.size());
    for (long id : ids) {
      Pending p = byId.get(id);
      String session = (String) completed.get(id)[0];
      long seq = (Long) completed.get(id)[1];
      EventRows.Body body = EventRows.Body.result(p.result(), p.resultJson());
      long eventId = eventIds[next++];
      rows.add(new Object[] {eventId, id, session, seq, EventType.COMPLETED.wire(), TaskState.COMPLETED.wire(),
          p.at().toEpochMilli(), body.json()});
      TaskEvent event = EventRows.event(eventId, id, session, seq, EventType.COMPLETED, TaskState.COMPLETED,
          p.at(), body);
      changes.add(new Changed(TaskId.of(id), TaskState.COMPLETED, event));
      endedPerSession.merge(session, 1, Integer::sum);
    }
    tx.rows().insertAll(EventRows.ROW, rows);
    Transitions.endPending(tx, endedPerSession);
    Transitions.releaseDependents(tx, ids);
  }

  /** The same as one statement ({@link ChainedWrites#complete}); dependents are looked for only where it saw some. */
  private static void completeChained(Tx tx, List<Pending> chunk, Map<Long, Boolean> done, List<Changed> changes)
      throws SQLException {
    Map<Long, ChainedWrites.Completion> byId = new LinkedHashMap<>(); // one per task, in the order they came
    for (Pending p : chunk) {
      byId.put(p.id(), new ChainedWrites.Completion(p.id(), p.fence(), p.resultJson(),
          EventRows.Body.result(p.result(), p.resultJson()), p.at()));
    }
    ChainedWrites.Completed completed = ChainedWrites.complete(tx, List.copyOf(byId.values()));
    for (Pending p : chunk) done.put(p.id(), completed.events().containsKey(p.id()));
    for (long id : byId.keySet()) {
      TaskEvent event = completed.events().get(id);
      if (event != null) changes.add(new Changed(TaskId.of(id), TaskState.COMPLETED, event));
    }
    if (!completed.withDependents().isEmpty()) Transitions.releaseDependents(tx, completed.withDependents());
  }
}
