package dev.tasklane.engine;

import static dev.tasklane.engine.LaneFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.core.EventType;
import dev.tasklane.core.Progress;
import dev.tasklane.core.Subscription;
import dev.tasklane.core.TaskEvent;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaneEventsTest {
  @TempDir Path dir;

  /** A handler that reports a numbered step per call until told to stop. */
  private static TaskHandler stepper(int steps, CountDownLatch start) {
    return ctx -> {
      start.await(10, TimeUnit.SECONDS);
      for (int i = 1; i <= steps; i++) {
        ctx.output("line " + i);
        Thread.sleep(1);
      }
      return TaskResult.text("done");
    };
  }

  @Test
  void subscriberJoiningMidTaskGetsEveryEventOnceWithoutGaps() throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    try (Lane lane = LaneFixture.start(dir, Map.of("work", stepper(400, start)),
        b -> b.progressInterval(Duration.ofMillis(5)))) {
      TaskId id = lane.submit(request("s", "work").build()).task().id();
      start.countDown();
      // Subscribe many times while events are being produced, from various points.
      List<List<TaskEvent>> received = new ArrayList<>();
      List<Subscription> subs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        List<TaskEvent> got = new CopyOnWriteArrayList<>();
        received.add(got);
        long after = i % 2 == 0 ? 0 : Math.max(0, lane.events(id, 0, 10_000).size() - 3);
        subs.add(lane.subscribeTask(id, after, got::add));
        Thread.sleep(15);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> lane.require(id).isTerminal());
      long last = lane.events(id, 0, 100_000).size();
      for (int i = 0; i < received.size(); i++) {
        List<TaskEvent> got = received.get(i);
        await().atMost(Duration.ofSeconds(5)).until(() -> !got.isEmpty() && got.get(got.size() - 1).seq() == last);
        long first = got.get(0).seq();
        assertThat(got).extracting(TaskEvent::seq).as("subscriber " + i)
            .containsExactlyElementsOf(LongStream.rangeClosed(first, last).boxed().toList());
      }
      subs.forEach(Subscription::close);
    }
  }

  @Test
  void sessionSubscriptionReplaysFromAGlobalCursorThenStreams() {
    try (Lane lane = LaneFixture.start(dir, Map.of("work", ctx -> TaskResult.empty()))) {
      TaskId first = lane.submit(request("chat:1", "work").build()).task().id();
      lane.submit(request("chat:2", "work").build());
      await().until(() -> lane.require(first).isTerminal());
      List<TaskEvent> got = new CopyOnWriteArrayList<>();
      try (Subscription sub = lane.subscribeSession("chat:1", 0, got::add)) {
        TaskId second = lane.submit(request("chat:1", "work").build()).task().id();
        await().atMost(Duration.ofSeconds(5)).until(() -> got.stream()
            .anyMatch(e -> e.taskId().equals(second) && e.type() == EventType.COMPLETED));
        assertThat(got).allMatch(e -> e.sessionKey().equals("chat:1"));
        assertThat(got).extracting(TaskEvent::id).isSorted().doesNotHaveDuplicates();
        assertThat(got).extracting(TaskEvent::type).startsWith(EventType.CREATED, EventType.STARTED,
            EventType.COMPLETED, EventType.CREATED);
        long cursor = got.get(2).id(); // resume after the first task's completion
        List<TaskEvent> resumed = new CopyOnWriteArrayList<>();
        try (Subscription again = lane.subscribeSession("chat:1", cursor, resumed::add)) {
          await().until(() -> resumed.size() == got.size() - 3);
          assertThat(resumed).isEqualTo(got.subList(3, got.size()));
        }
      }
    }
  }

  @Test
  void progressReportedTenThousandTimesASecondIsCoalescedButTheLatestIsVisible() throws Exception {
    CountDownLatch reported = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    TaskHandler chatty = ctx -> {
      long end = System.nanoTime() + 1_000_000_000L;
      long n = 0;
      while (System.nanoTime() < end) {
        ctx.progress((double) (n % 1000) / 1000, "step " + n);
        n++;
      }
      ctx.progress(0.99, "final " + n);
      reported.countDown();
      finish.await(10, TimeUnit.SECONDS);
      return TaskResult.text(String.valueOf(n));
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("work", chatty), b -> b.progressInterval(Duration.ofMillis(250)))) {
      TaskId id = lane.submit(request("s", "work").build()).task().id();
      assertThat(reported.await(10, TimeUnit.SECONDS)).isTrue();
      // The latest value is visible at once, before it is persisted.
      assertThat(lane.require(id).progress().message()).startsWith("final ");
      await().atMost(Duration.ofSeconds(2)).until(() -> lane.events(id, 0, 1000).stream()
          .anyMatch(e -> e.progress() != null && e.progress().message().startsWith("final ")));
      finish.countDown();
      await().until(() -> lane.require(id).isTerminal());
      long reports = Long.parseLong(lane.require(id).result().get("text").asText());
      long progressEvents = lane.events(id, 0, 100_000).stream().filter(e -> e.type() == EventType.PROGRESS).count();
      assertThat(reports).isGreaterThan(10_000);
      assertThat(progressEvents).isBetween(2L, 12L); // ~1 s at one write per 250 ms, plus the final flush
    }
  }

  @Test
  void stepsCountUpAndDeriveAFractionFromTheTotal() {
    TaskHandler steps = ctx -> {
      ctx.totalSteps(4);
      ctx.step("fetching");
      ctx.step("parsing");
      ctx.step("writing");
      return TaskResult.empty();
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("work", steps))) {
      TaskId id = lane.submit(request("s", "work").build()).task().id();
      await().until(() -> lane.require(id).isTerminal());
      Progress last = lane.events(id, 0, 100).stream().filter(e -> e.type() == EventType.PROGRESS)
          .reduce((a, b) -> b).orElseThrow().progress();
      assertThat(last.steps()).isEqualTo(3);
      assertThat(last.totalSteps()).isEqualTo(4);
      assertThat(last.fraction()).isEqualTo(0.75);
      assertThat(last.message()).isEqualTo("writing");
    }
  }

  @Test
  void outputBeyondTheCapIsDroppedWithANote() {
    TaskHandler noisy = ctx -> {
      for (int i = 0; i < 1000; i++) ctx.output("0123456789");
      return TaskResult.empty();
    };
    try (Lane lane = LaneFixture.start(dir, Map.of("work", noisy), b -> b.maxOutputBytes(110))) {
      TaskId id = lane.submit(request("s", "work").build()).task().id();
      await().until(() -> lane.require(id).isTerminal());
      String all = String.join("", lane.events(id, 0, 1000).stream()
          .filter(e -> e.output() != null).map(TaskEvent::output).toList());
      assertThat(all.lines().filter(l -> l.equals("0123456789")).count()).isEqualTo(10);
      assertThat(all).contains("[output beyond 110 bytes is not kept]");
    }
  }
}
