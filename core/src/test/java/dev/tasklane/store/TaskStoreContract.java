package dev.tasklane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tasklane.core.BusyPolicy;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.EventType;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.Origin;
import dev.tasklane.core.Page;
import dev.tasklane.core.Progress;
import dev.tasklane.core.RetryPolicy;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskError;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.core.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every database behind a {@link TaskStore} must do. Each database gets a small subclass that
 * says how to open it; a store change extends this suite.
 */
public abstract class TaskStoreContract {
  private static final Duration LEASE = Duration.ofSeconds(30);
  protected static final RetryPolicy RETRIES = new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5));

  @TempDir protected Path dir;
  protected Database db;
  protected TaskStore store;
  protected final List<TaskEvent> published = new CopyOnWriteArrayList<>();
  protected Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  /** Opens a fresh, empty database of the kind under test. */
  protected abstract Database open(Path dir);

  @BeforeEach
  void openStore() {
    db = open(dir);
    store = new TaskStore(db, published::addAll);
    store.migrate();
  }

  @AfterEach
  void closeStore() {
    db.close();
  }

  protected NewTask task(String session) {
    return task(session, "work", 5);
  }

  protected NewTask task(String session, String kind, int priority) {
    return new NewTask(session, kind, TextNode.valueOf("in"), priority, 3, now, null, Duration.ofMinutes(30), null,
        null, List.of(), new Origin("web", "c1", "m1", "alice"), BusyPolicy.ENQUEUE);
  }

  protected Task submit(NewTask t) {
    return store.submit(t, 50, now).task();
  }

  protected List<Task> claim(int max) {
    return claimAt(max, now);
  }

  protected List<Task> claimAt(int max, Instant at) {
    return store.claim(new ClaimRequest("node-a", max, Set.of("work", "other"), 1, Map.of(), LEASE), at);
  }

  @Test
  void submittedTaskIsStoredQueuedWithACreatedEvent() {
    Task t = submit(task("web:alice"));
    Task read = store.find(t.id()).orElseThrow();
    assertThat(read.state()).isEqualTo(TaskState.QUEUED);
    assertThat(read.sessionKey()).isEqualTo("web:alice");
    assertThat(read.input().asText()).isEqualTo("in");
    assertThat(read.origin()).isEqualTo(new Origin("web", "c1", "m1", "alice"));
    assertThat(read.attempt()).isZero();
    assertThat(store.events(t.id(), 0, 10)).singleElement()
        .satisfies(e -> assertThat(e.type()).isEqualTo(EventType.CREATED))
        .satisfies(e -> assertThat(e.seq()).isEqualTo(1));
    assertThat(published).hasSize(1);
  }

  @Test
  void idempotencyKeyReturnsTheSameTaskAndConflictsOnDifferentInput() {
    NewTask t = withKey(task("s"), "k1");
    TaskStore.SubmitResult first = store.submit(t, 50, now);
    TaskStore.SubmitResult again = store.submit(t, 50, now);
    assertThat(first.created()).isTrue();
    assertThat(again.created()).isFalse();
    assertThat(again.task().id()).isEqualTo(first.task().id());
    NewTask other = new NewTask("s", "work", TextNode.valueOf("different"), 5, 3, now, null, Duration.ofMinutes(1),
        "k1", null, List.of(), Origin.NONE, BusyPolicy.ENQUEUE);
    assertThatThrownBy(() -> store.submit(other, 50, now)).isInstanceOf(LaneException.class)
        .extracting(e -> ((LaneException) e).code()).isEqualTo(ErrorCode.CONFLICT);
    // The same key in another session is another task.
    assertThat(store.submit(withKey(task("s2"), "k1"), 50, now).created()).isTrue();
    assertThat(store.list(TaskQuery.all()).items()).hasSize(2);
  }

  @Test
  void pendingLimitPerSessionIsEnforcedAtItsEdge() {
    for (int i = 0; i < 3; i++) store.submit(task("s"), 3, now);
    assertThatThrownBy(() -> store.submit(task("s"), 3, now)).isInstanceOf(LaneException.class)
        .extracting(e -> ((LaneException) e).code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(store.list(TaskQuery.session("s")).items()).hasSize(3);
    assertThat(store.submit(task("other"), 3, now).created()).isTrue();
  }

  @Test
  void everyWayATaskEndsFreesItsPlaceUnderThePendingLimit() {
    Task completed = store.submit(task("s"), 5, now).task();
    Task failed = store.submit(task("s"), 5, now).task();
    Task canceledQueued = store.submit(task("s"), 5, now).task();
    NewTask base = task("s");
    store.submit(new NewTask("s", "work", base.input(), 5, 3, now, now.plusSeconds(1), base.deadline(), null, null,
        List.of(), Origin.NONE, BusyPolicy.ENQUEUE), 5, now);
    Task retried = store.submit(task("s"), 5, now).task();
    assertThatThrownBy(() -> store.submit(task("s"), 5, now)).isInstanceOf(LaneException.class);

    // A retry keeps the task pending; each end frees one place, and only one.
    assertThat(claim(1)).extracting(Task::id).containsExactly(completed.id());
    store.retry(completed.id(), fenceOf(completed.id()), new TaskError("flaky", "again", true), now, now);
    assertThatThrownBy(() -> store.submit(task("s"), 5, now)).isInstanceOf(LaneException.class);
    claim(1);
    store.complete(completed.id(), fenceOf(completed.id()), TextNode.valueOf("ok"), now);
    Task refill = store.submit(task("s"), 5, now).task();
    assertThatThrownBy(() -> store.submit(task("s"), 5, now)).isInstanceOf(LaneException.class);

    claim(1);
    store.fail(failed.id(), fenceOf(failed.id()), new TaskError("boom", "broke", false), now);
    store.cancel(canceledQueued.id(), now);
    store.expire(now.plusSeconds(1));
    claim(1);
    store.cancel(retried.id(), now);
    store.cancelRunning(retried.id(), fenceOf(retried.id()), "stopped", now);
    // Left pending: only the refill.
    for (int i = 0; i < 4; i++) store.submit(task("s"), 5, now);
    assertThatThrownBy(() -> store.submit(task("s"), 5, now)).isInstanceOf(LaneException.class)
        .hasMessageContaining("already has 5 pending tasks");
    assertThat(store.list(TaskQuery.session("s")).items()).filteredOn(t -> !t.isTerminal()).hasSize(5)
        .extracting(Task::id).contains(refill.id());
  }

  @Test
  void attemptsShowTheRunningOneAndAShutdownRecordsNone() {
    Task t = submit(task("s"));
    claim(1);
    assertThat(store.attempts(t.id())).singleElement().satisfies(a -> {
      assertThat(a.number()).isEqualTo(1);
      assertThat(a.owner()).isEqualTo("node-a");
      assertThat(a.startedAt()).isEqualTo(now);
      assertThat(a.finishedAt()).isNull();
      assertThat(a.outcome()).isNull();
    });
    assertThat(store.release(t.id(), fenceOf(t.id()), now)).isTrue();
    assertThat(store.attempts(t.id())).isEmpty();
    claim(1);
    store.complete(t.id(), fenceOf(t.id()), TextNode.valueOf("ok"), now.plusSeconds(2));
    assertThat(store.attempts(t.id())).singleElement().satisfies(a -> {
      assertThat(a.number()).isEqualTo(1);
      assertThat(a.owner()).isEqualTo("node-a");
      assertThat(a.finishedAt()).isEqualTo(now.plusSeconds(2));
      assertThat(a.outcome()).isEqualTo("completed");
    });
  }

  @Test
  void claimTakesHighestPriorityFirstThenOldest() {
    Task low = submit(task("a", "work", 1));
    Task high1 = submit(task("b", "work", 9));
    Task high2 = submit(task("c", "work", 9));
    List<Task> claimed = claim(3);
    assertThat(claimed).extracting(Task::id).containsExactly(high1.id(), high2.id(), low.id());
    assertThat(claimed).allSatisfy(t -> {
      assertThat(t.state()).isEqualTo(TaskState.RUNNING);
      assertThat(t.attempt()).isEqualTo(1);
      assertThat(t.lease().owner()).isEqualTo("node-a");
      assertThat(t.lease().until()).isEqualTo(now.plus(LEASE));
    });
  }

  @Test
  void aSessionRunsOneExclusiveTaskAtATimeInOrder() {
    Task a1 = submit(task("a"));
    Task a2 = submit(task("a"));
    Task b1 = submit(task("b"));
    assertThat(claim(10)).extracting(Task::id).containsExactly(a1.id(), b1.id());
    assertThat(claim(10)).isEmpty();
    store.complete(a1.id(), fenceOf(a1.id()), TextNode.valueOf("ok"), now);
    assertThat(claim(10)).extracting(Task::id).containsExactly(a2.id());
  }

  @Test
  void parallelTasksDoNotCountAgainstTheSession() {
    submit(task("a"));
    NewTask p = task("a");
    Task parallel = submit(new NewTask(p.sessionKey(), p.kind(), p.input(), 5, 3, now, null, p.deadline(), null,
        null, List.of(), Origin.NONE, BusyPolicy.PARALLEL));
    assertThat(claim(10)).hasSize(2).extracting(Task::id).contains(parallel.id());
  }

  @Test
  void perKindLimitHolds() {
    for (int i = 0; i < 3; i++) submit(task("s" + i, "other", 5));
    submit(task("x", "work", 5));
    List<Task> claimed =
        store.claim(new ClaimRequest("n", 10, Set.of("work", "other"), 1, Map.of("other", 2), LEASE), now);
    assertThat(claimed).extracting(Task::kind).containsExactlyInAnyOrder("other", "other", "work");
  }

  @Test
  void aSessionWhoseFirstTaskWaitsForItsKindStartsNothingAfterIt() {
    submit(task("x", "other", 5));
    assertThat(store.claim(new ClaimRequest("n", 10, Set.of("work", "other"), 1, Map.of("other", 1), LEASE), now))
        .hasSize(1);
    Task first = submit(task("s", "other", 5));
    submit(task("s", "work", 5));
    Task elsewhere = submit(task("t", "work", 5));
    List<Task> claimed =
        store.claim(new ClaimRequest("n", 10, Set.of("work", "other"), 1, Map.of("other", 1), LEASE), now);
    assertThat(claimed).extracting(Task::id).containsExactly(elsewhere.id());
    assertThat(store.find(first.id()).orElseThrow().state()).isEqualTo(TaskState.QUEUED);
  }

  @Test
  void claimOnlyTakesKindsTheWorkerRunsAndDueTasks() {
    submit(task("a", "unknown", 5));
    NewTask later = task("b");
    submit(new NewTask("b", "work", later.input(), 5, 3, now.plusSeconds(60), null, later.deadline(), null, null,
        List.of(), Origin.NONE, BusyPolicy.ENQUEUE));
    assertThat(claim(10)).isEmpty();
    assertThat(store.nextDue(now)).contains(now.plusSeconds(60));
  }

  @Test
  void aWriteWithAStaleFenceChangesNothing() {
    Task t = submit(task("s"));
    long fence = claim(1).get(0).lease().fence();
    Instant later = now.plus(LEASE).plusSeconds(1);
    store.reapLeases(later, false, RETRIES); // lease lost: back to queued
    long newFence = claimAt(1, later).get(0).lease().fence();
    assertThat(newFence).isGreaterThan(fence);
    assertThat(store.complete(t.id(), fence, TextNode.valueOf("zombie"), now)).isFalse();
    assertThat(store.progress(t.id(), fence, Progress.NONE.withFraction(0.5, "x"), null, now)).isFalse();
    assertThat(store.complete(t.id(), newFence, TextNode.valueOf("real"), now)).isTrue();
    assertThat(store.find(t.id()).orElseThrow().result().asText()).isEqualTo("real");
  }

  @Test
  void eventsHaveGaplessSeqPerTaskAndGrowingGlobalIds() {
    Task t = submit(task("s"));
    long fence = claim(1).get(0).lease().fence();
    store.progress(t.id(), fence, new Progress(0.5, "half", 1, null), null, now);
    store.progress(t.id(), fence, null, "line\n", now);
    store.complete(t.id(), fence, TextNode.valueOf("ok"), now);
    List<TaskEvent> events = store.events(t.id(), 0, 100);
    assertThat(events).extracting(TaskEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(events).extracting(TaskEvent::type).containsExactly(EventType.CREATED, EventType.STARTED,
        EventType.PROGRESS, EventType.OUTPUT, EventType.COMPLETED);
    assertThat(events).extracting(TaskEvent::id).isSorted().doesNotHaveDuplicates();
    assertThat(events.get(2).progress().message()).isEqualTo("half");
    assertThat(events.get(3).output()).isEqualTo("line\n");
    assertThat(events.get(4).result().asText()).isEqualTo("ok");
    assertThat(store.events(t.id(), 3, 100)).extracting(TaskEvent::seq).containsExactly(4L, 5L);
    assertThat(published).extracting(TaskEvent::id).isEqualTo(events.stream().map(TaskEvent::id).toList());
  }

  @Test
  void cancelQueuedIsImmediateRunningIsRequestedTerminalIsReturnedAsIs() {
    Task running = submit(task("b"));
    assertThat(claim(10)).hasSize(1);
    Task queued = submit(task("a"));
    assertThat(store.cancel(queued.id(), now).orElseThrow().task().state()).isEqualTo(TaskState.CANCELED);
    TaskStore.CancelResult r = store.cancel(running.id(), now).orElseThrow();
    assertThat(r.signalRunning()).isTrue();
    assertThat(r.task().state()).isEqualTo(TaskState.RUNNING);
    assertThat(r.task().cancelRequestedAt()).isEqualTo(now);
    TaskStore.CancelResult again = store.cancel(queued.id(), now).orElseThrow();
    assertThat(again.task().state()).isEqualTo(TaskState.CANCELED);
    assertThat(again.signalRunning()).isFalse();
    assertThat(store.cancel(TaskId.of(999_999), now)).isEmpty();
    // After the grace period the running one is canceled regardless.
    assertThat(store.forceCancels(now.plusSeconds(1), Duration.ofSeconds(5))).isZero();
    assertThat(store.forceCancels(now.plusSeconds(6), Duration.ofSeconds(5))).isEqualTo(1);
    assertThat(store.find(running.id()).orElseThrow().state()).isEqualTo(TaskState.CANCELED);
  }

  @Test
  void expiredLeaseRequeuesWithAttemptsLeftAndFailsWhenExhausted() {
    NewTask base = task("s");
    Task t = submit(new NewTask("s", "work", base.input(), 5, 2, now, null, base.deadline(), null, null, List.of(),
        Origin.NONE, BusyPolicy.ENQUEUE));
    claim(1);
    assertThat(store.reapLeases(now.plus(LEASE).minusSeconds(1), false, RETRIES)).isZero();
    assertThat(store.reapLeases(now.plus(LEASE).plusSeconds(1), false, RETRIES)).isEqualTo(1);
    Task requeued = store.find(t.id()).orElseThrow();
    assertThat(requeued.state()).isEqualTo(TaskState.QUEUED);
    assertThat(requeued.error().code()).isEqualTo(TaskError.LEASE_EXPIRED);
    Instant later = now.plus(LEASE).plusSeconds(1);
    assertThat(claimAt(1, later)).hasSize(1);
    store.reapLeases(later.plus(LEASE).plusSeconds(1), false, RETRIES);
    Task failed = store.find(t.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(TaskState.FAILED);
    assertThat(store.attempts(t.id())).extracting(a -> a.outcome()).containsExactly("lost", "failed");
  }

  @Test
  void queuedTaskPastItsExpiryExpires() {
    NewTask base = task("s");
    Task t = submit(new NewTask("s", "work", base.input(), 5, 3, now, now.plusSeconds(10), base.deadline(), null,
        null, List.of(), Origin.NONE, BusyPolicy.ENQUEUE));
    assertThat(store.expire(now.plusSeconds(9))).isZero();
    assertThat(store.expire(now.plusSeconds(10))).isEqualTo(1);
    assertThat(store.find(t.id()).orElseThrow().state()).isEqualTo(TaskState.EXPIRED);
  }

  @Test
  void dependentWaitsForCompletionAndFailsWhenADependencyFails() {
    Task a = submit(task("x"));
    Task b = submit(task("y"));
    Task both = submit(dependingOn(task("z"), a.id(), b.id()));
    Task onB = submit(dependingOn(task("w"), b.id()));
    assertThat(both.waitingOn()).isEqualTo(2);
    assertThat(a.waitingOn()).isZero();
    assertThat(claim(10)).extracting(Task::id).containsExactlyInAnyOrder(a.id(), b.id());
    store.complete(a.id(), fenceOf(a.id()), TextNode.valueOf("A"), now);
    assertThat(claim(10)).isEmpty(); // still waits for b
    assertThat(store.find(both.id()).orElseThrow().waitingOn()).isEqualTo(1);
    assertThat(store.list(TaskQuery.all()).items()).filteredOn(t -> t.id().equals(onB.id()))
        .singleElement().extracting(Task::waitingOn).isEqualTo(1);
    store.fail(b.id(), fenceOf(b.id()), new TaskError("boom", "b broke", false), now);
    for (TaskId id : List.of(both.id(), onB.id())) {
      Task t = store.find(id).orElseThrow();
      assertThat(t.state()).isEqualTo(TaskState.FAILED);
      assertThat(t.error().code()).isEqualTo(TaskError.DEPENDENCY_FAILED);
      assertThat(t.error().message()).contains(b.id().toString());
    }
  }

  @Test
  void dependentRunsOnceAllDependenciesCompleted() {
    Task a = submit(task("x"));
    Task d = submit(dependingOn(task("z"), a.id()));
    claim(10);
    store.complete(a.id(), fenceOf(a.id()), TextNode.valueOf("A"), now);
    assertThat(store.find(d.id()).orElseThrow().waitingOn()).isZero();
    assertThat(claim(10)).extracting(Task::id).containsExactly(d.id());
  }

  @Test
  void aFanOutStoresItsChildrenAndAParentWaitingForThemInOneWrite() {
    Task earlier = submit(task("x"));
    var f = store.fanOut(dependingOn(task("p"), earlier.id()), List.of(task("c1"), task("c2")), 50, now);
    List<TaskId> children = f.children().stream().map(c -> c.task().id()).toList();
    assertThat(f.parent().task().dependsOn()).containsExactly(earlier.id(), children.get(0), children.get(1));
    assertThat(claim(10)).extracting(Task::id).containsExactlyInAnyOrder(earlier.id(), children.get(0),
        children.get(1));
    for (TaskId id : List.of(earlier.id(), children.get(0), children.get(1))) {
      store.complete(id, fenceOf(id), TextNode.valueOf("done"), now);
    }
    assertThat(claim(10)).extracting(Task::id).containsExactly(f.parent().task().id());
  }

  @Test
  void aRefusedFanOutStoresNothing() {
    for (int i = 0; i < 2; i++) store.submit(task("p"), 2, now);
    published.clear();
    // The parent's session is at its pending limit: the children, in other sessions, go too.
    assertThatThrownBy(() -> store.fanOut(task("p"), List.of(task("c1"), task("c2")), 2, now))
        .isInstanceOf(LaneException.class)
        .extracting(e -> ((LaneException) e).code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(store.list(TaskQuery.all()).items()).hasSize(2).allMatch(t -> t.sessionKey().equals("p"));
    assertThat(published).isEmpty();
    assertThat(claim(10)).hasSize(1); // session p's first task, nothing of the refused fan-out
    // The children's sessions count nothing pending: each takes its limit's worth again.
    for (int i = 0; i < 2; i++) assertThat(store.submit(task("c1"), 2, now).created()).isTrue();
  }

  @Test
  void unknownDependencyIsRefused() {
    assertThatThrownBy(() -> submit(dependingOn(task("z"), TaskId.of(424242)))).isInstanceOf(LaneException.class)
        .extracting(e -> ((LaneException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(store.list(TaskQuery.all()).items()).isEmpty();
  }

  @Test
  void busyPoliciesRejectOrInterruptTheSessionsWork() {
    Task running = submit(task("s"));
    claim(1);
    Task queued = submit(task("s"));
    assertThatThrownBy(() -> submit(withPolicy(task("s"), BusyPolicy.REJECT))).isInstanceOf(LaneException.class)
        .extracting(e -> ((LaneException) e).code()).isEqualTo(ErrorCode.BUSY);
    TaskStore.SubmitResult r = store.submit(withPolicy(task("s"), BusyPolicy.INTERRUPT), 50, now);
    assertThat(r.interrupted()).containsExactly(running.id());
    assertThat(store.find(queued.id()).orElseThrow().state()).isEqualTo(TaskState.CANCELED);
    assertThat(store.find(running.id()).orElseThrow().cancelRequestedAt()).isNotNull();
  }

  @Test
  void anInterruptingSubmitThatCancelsEverythingQueuedStillCountsItselfPending() {
    submit(task("s"));
    submit(task("s"));
    Task interrupting = store.submit(withPolicy(task("s"), BusyPolicy.INTERRUPT), 2, now).task();
    assertThat(store.list(TaskQuery.session("s")).items()).filteredOn(t -> !t.isTerminal())
        .extracting(Task::id).containsExactly(interrupting.id());
    store.submit(task("s"), 2, now);
    assertThatThrownBy(() -> store.submit(task("s"), 2, now)).isInstanceOf(LaneException.class)
        .hasMessageContaining("already has 2 pending tasks");
  }

  @Test
  void listFiltersPagesAndScopesBySessionPrefixCaseSensitively() {
    for (int i = 0; i < 5; i++) submit(task("web:alice"));
    submit(task("web:Alice"));
    submit(task("web:al%"));
    submit(task("tg:1", "other", 5));
    Page<Task> first = store.list(TaskQuery.session("web:alice").withLimit(2));
    assertThat(first.items()).hasSize(2);
    assertThat(first.items().get(0).id()).isGreaterThan(first.items().get(1).id()); // newest first
    Page<Task> second = store.list(TaskQuery.session("web:alice").withLimit(2).withCursor(first.nextCursor()));
    Page<Task> third = store.list(TaskQuery.session("web:alice").withLimit(2).withCursor(second.nextCursor()));
    assertThat(third.items()).hasSize(1);
    assertThat(third.nextCursor()).isNull();
    List<TaskId> all = new ArrayList<>();
    for (Page<Task> p : List.of(first, second, third)) p.items().forEach(t -> all.add(t.id()));
    assertThat(all).doesNotHaveDuplicates().hasSize(5);
    // Scopes end at a separator: "web:al" is no scope of "web:alice", "web:" is one of every web session.
    assertThat(store.list(TaskQuery.all().withScope(List.of("web:al"))).items()).isEmpty();
    assertThat(store.list(TaskQuery.all().withScope(List.of("web:"))).items())
        .extracting(Task::sessionKey).containsOnly("web:alice", "web:Alice", "web:al%").hasSize(7);
    assertThat(store.list(TaskQuery.all().withScope(List.of("web:alice"))).items())
        .extracting(Task::sessionKey).containsOnly("web:alice").hasSize(5);
    assertThat(store.list(TaskQuery.all().withScope(List.of("web:al%"))).items()).hasSize(1);
    submit(task("web:alice:work"));
    submit(task("web:alice/notes"));
    submit(task("web:alice2"));
    assertThat(store.list(TaskQuery.all().withScope(List.of("web:alice"))).items()).extracting(Task::sessionKey)
        .containsOnly("web:alice", "web:alice:work", "web:alice/notes").hasSize(7);
    assertThat(store.list(TaskQuery.all().withScope(List.of("web:alice:"))).items()).extracting(Task::sessionKey)
        .containsExactly("web:alice:work");
    assertThat(store.list(new TaskQuery(null, null, null, "other", 10, null)).items()).hasSize(1);
    assertThat(store.list(TaskQuery.all().withStates(Set.of(TaskState.RUNNING))).items()).isEmpty();
  }

  @Test
  void positionCountsQueuedTasksAheadByPriorityThenAge() {
    Task a = submit(task("a", "work", 5));
    Task b = submit(task("b", "work", 5));
    Task urgent = submit(task("c", "work", 9));
    assertThat(store.position(urgent.id(), 100, 1, now)).isZero();
    assertThat(store.position(a.id(), 100, 1, now)).isEqualTo(1);
    assertThat(store.position(b.id(), 100, 1, now)).isEqualTo(2);
    assertThat(store.position(b.id(), 1, 1, now)).isEqualTo(1); // bounded
    claim(1);
    assertThat(store.position(urgent.id(), 100, 1, now)).isEqualTo(-1);
    // Behind its own session's running task: that one runs before it too, while the session is at its limit.
    Task behind = submit(task("c", "work", 5));
    assertThat(store.position(behind.id(), 100, 1, now)).isEqualTo(3);
    assertThat(store.position(behind.id(), 100, 2, now)).isEqualTo(2);
  }

  /**
   * A task that waits for its start time, or for another task, does not hold up the ones behind it,
   * and is not counted ahead of them: the claim passes it by.
   */
  @Test
  void positionLeavesOutTasksThatCannotStartYet() {
    Task running = submit(task("a"));
    claim(1);
    Task later = submit(startingAt(task("b"), now.plusSeconds(3600)));
    Task waiting = submit(dependingOn(task("c"), running.id()));
    Task due = submit(task("d"));
    assertThat(store.position(due.id(), 100, 1, now)).as("nothing ahead can start before it").isZero();
    assertThat(store.position(due.id(), 100, 1, now.plusSeconds(3600))).as("once the later one is due").isEqualTo(1);
    assertThat(store.position(waiting.id(), 100, 1, now)).isZero();
    assertThat(store.position(later.id(), 100, 1, now)).isZero();
    assertThat(claim(5)).extracting(Task::id).containsExactly(due.id());
  }

  @Test
  void purgeDeletesOldTerminalTasksWithTheirEventsOnly() {
    Task old = submit(task("a"));
    Task live = submit(task("b"));
    store.cancel(old.id(), now);
    assertThat(store.purge(now)).isZero();
    assertThat(store.purge(now.plusMillis(1))).isEqualTo(1);
    assertThat(store.find(old.id())).isEmpty();
    assertThat(store.events(old.id(), 0, 10)).isEmpty();
    assertThat(store.find(live.id())).isPresent();
  }

  @Test
  void orphansOfADeadProcessAreRecoveredAtOnceWhenAllAreOrphans() {
    Task t = submit(task("a"));
    claim(1);
    assertThat(store.reapLeases(now, true, RETRIES)).isEqualTo(1);
    assertThat(store.find(t.id()).orElseThrow().state()).isEqualTo(TaskState.QUEUED);
  }

  @Test
  void renewalExtendsOurLeasesAndReportsLostAndCanceled() {
    Task a = submit(task("a"));
    Task b = submit(task("b"));
    claim(2);
    store.cancel(b.id(), now);
    TaskStore.Renewal r = store.renew("node-a",
        Map.of(a.id(), fenceOf(a.id()), b.id(), fenceOf(b.id()), TaskId.of(777), 1L), now.plusSeconds(99));
    assertThat(r.lost()).containsExactly(TaskId.of(777));
    assertThat(r.cancelRequested()).containsExactly(b.id());
    assertThat(store.find(a.id()).orElseThrow().lease().until()).isEqualTo(now.plusSeconds(99));
    assertThat(store.renew("node-b", Map.of(a.id(), fenceOf(a.id())), now).lost()).containsExactly(a.id());
  }

  @Test
  void aFailingUnitOfWorkDoesNotUndoOthersCommittedWithIt() {
    Task ok = submit(task("a"));
    assertThatThrownBy(() -> db.write(tx -> {
      tx.connection().createStatement().executeUpdate("UPDATE tasks SET priority = 1");
      throw new IllegalStateException("boom");
    })).hasMessage("boom");
    assertThat(store.find(ok.id()).orElseThrow().priority()).isEqualTo(5);
    assertThat(submit(task("b")).state()).isEqualTo(TaskState.QUEUED);
  }

  @Test
  void completionsWrittenTogetherEachApplyUnderTheirOwnFenceAndFreeTheirPlaces() {
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 6; i++) tasks.add(submit(task("c" + i)));
    Task dependent = submit(dependingOn(task("d"), tasks.get(0).id(), tasks.get(1).id()));
    assertThat(claim(10)).hasSize(6);
    published.clear();
    List<java.util.concurrent.CompletableFuture<Boolean>> done = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Task t = tasks.get(i);
      done.add(store.completeAsync(t.id(), fenceOf(t.id()), TextNode.valueOf("r" + i), now.plusSeconds(i)));
    }
    Task stale = tasks.get(5);
    done.add(store.completeAsync(stale.id(), fenceOf(stale.id()) + 1, TextNode.valueOf("zombie"), now));

    assertThat(done).extracting(java.util.concurrent.CompletableFuture::join)
        .containsExactly(true, true, true, true, true, false);
    for (int i = 0; i < 5; i++) {
      Task t = store.find(tasks.get(i).id()).orElseThrow();
      assertThat(t.state()).isEqualTo(TaskState.COMPLETED);
      assertThat(t.result().asText()).isEqualTo("r" + i);
      assertThat(t.finishedAt()).isEqualTo(now.plusSeconds(i));
      assertThat(store.events(t.id(), 0, 10)).extracting(TaskEvent::seq, TaskEvent::type)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, EventType.CREATED),
              org.assertj.core.groups.Tuple.tuple(2L, EventType.STARTED),
              org.assertj.core.groups.Tuple.tuple(3L, EventType.COMPLETED));
    }
    assertThat(store.find(stale.id()).orElseThrow().state()).isEqualTo(TaskState.RUNNING);
    assertThat(published).extracting(TaskEvent::type).containsOnly(EventType.COMPLETED).hasSize(5);
    assertThat(published).extracting(e -> e.result().asText()).containsExactlyInAnyOrder("r0", "r1", "r2", "r3", "r4");
    // The dependent waited for both of its tasks, and each session has its place back.
    assertThat(claim(10)).extracting(Task::id).containsExactly(dependent.id());
    assertThat(store.submit(task("c0"), 1, now).created()).isTrue();
  }

  @Test
  void checkpointIsSavedOnlyByTheCurrentAttempt() {
    Task t = submit(task("a"));
    long fence = claim(1).get(0).lease().fence();
    assertThat(store.saveCheckpoint(t.id(), fence, TextNode.valueOf("step-3"))).isTrue();
    assertThat(store.saveCheckpoint(t.id(), fence + 1, TextNode.valueOf("zombie"))).isFalse();
    assertThat(store.checkpoint(t.id()).orElseThrow().asText()).isEqualTo("step-3");
  }

  protected long fenceOf(TaskId id) {
    return store.find(id).orElseThrow().lease().fence();
  }

  private static NewTask withKey(NewTask t, String key) {
    return new NewTask(t.sessionKey(), t.kind(), t.input(), t.priority(), t.maxAttempts(), t.notBefore(),
        t.expiresAt(), t.deadline(), key, t.parentId(), t.dependsOn(), t.origin(), t.busyPolicy());
  }

  private static NewTask withPolicy(NewTask t, BusyPolicy p) {
    return new NewTask(t.sessionKey(), t.kind(), t.input(), t.priority(), t.maxAttempts(), t.notBefore(),
        t.expiresAt(), t.deadline(), t.idempotencyKey(), t.parentId(), t.dependsOn(), t.origin(), p);
  }

  private static NewTask startingAt(NewTask t, Instant notBefore) {
    return new NewTask(t.sessionKey(), t.kind(), t.input(), t.priority(), t.maxAttempts(), notBefore,
        t.expiresAt(), t.deadline(), null, null, t.dependsOn(), t.origin(), t.busyPolicy());
  }

  private static NewTask dependingOn(NewTask t, TaskId... ids) {
    return new NewTask(t.sessionKey(), t.kind(), t.input(), t.priority(), t.maxAttempts(), t.notBefore(),
        t.expiresAt(), t.deadline(), null, null, List.of(ids), t.origin(), t.busyPolicy());
  }
}
