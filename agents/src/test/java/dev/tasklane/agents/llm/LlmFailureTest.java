package dev.tasklane.agents.llm;

import static dev.tasklane.agents.llm.LlmFixture.MAX;
import static dev.tasklane.agents.llm.LlmFixture.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.agents.llm.FakeOpenAi.Hang;
import dev.tasklane.agents.llm.FakeOpenAi.Raw;
import dev.tasklane.agents.llm.FakeOpenAi.Status;
import dev.tasklane.agents.llm.FakeOpenAi.Text;
import dev.tasklane.agents.testing.LaneFixture;
import dev.tasklane.core.Attempt;
import dev.tasklane.core.LaneConfig;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the llm handler does when the model's server misbehaves: never a hang, always a clear code. */
class LlmFailureTest {
  @TempDir Path dir;

  @Test
  void rateLimitedCallsAreRetriedAfterTheServersRetryAfter() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (FakeOpenAi ai = new FakeOpenAi(r -> calls.incrementAndGet() == 1
            ? new Status(429, Map.of("Retry-After", "2"), "{\"error\":{\"message\":\"slow down\"}}")
            : new Text("finally"));
        LaneFixture f = LlmFixture.lane(dir, LlmFixture.settings(ai.baseUrl()), ConversationSource.NONE,
            LaneFixture.fastRetries())) {
      Task t = f.awaitEnd(f.submit("llm", message("hi")), MAX);

      assertThat(t.state()).isEqualTo(TaskState.COMPLETED);
      assertThat(t.attempt()).isEqualTo(2);
      List<Attempt> attempts = f.lane().attempts(t.id());
      assertThat(attempts.getFirst().error().code()).isEqualTo("model_rate_limited");
      assertThat(attempts.getFirst().error().message()).contains("429").contains("slow down");
      // the lane's own backoff is 100 ms here: a gap of 2 s is the server's Retry-After
      assertThat(Duration.between(attempts.get(0).finishedAt(), attempts.get(1).startedAt()))
          .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }
  }

  @Test
  void aMalformedResponseIsAPermanentClearError() throws Exception {
    try (FakeOpenAi ai = new FakeOpenAi(r -> new Raw("data: {this is not json\n\ndata: [DONE]\n\n"));
        LaneFixture f = LlmFixture.lane(dir, LlmFixture.settings(ai.baseUrl()), ConversationSource.NONE,
            LaneFixture.fastRetries())) {
      Task t = f.awaitEnd(f.submit("llm", message("hi")), MAX);

      assertThat(t.state()).isEqualTo(TaskState.FAILED);
      assertThat(t.error().code()).as(t.error().toString()).isEqualTo("model_bad_response");
      assertThat(t.attempt()).isEqualTo(1);
      assertThat(t.error().message()).contains(ai.baseUrl());
    }
  }

  @Test
  void errorStatusesMapToCodes() throws Exception {
    try (FakeOpenAi ai = new FakeOpenAi(r -> new Status(401, Map.of(), "{\"error\":\"bad key\"}"));
        LaneFixture f = LlmFixture.lane(dir, LlmFixture.settings(ai.baseUrl()), ConversationSource.NONE,
            LaneFixture.fastRetries())) {
      Task t = f.awaitEnd(f.submit("llm", message("hi")), MAX);
      assertThat(t.error().code()).isEqualTo("model_auth");
      assertThat(t.error().message()).contains("401").contains("bad key").contains("check the API key");
      assertThat(t.attempt()).isEqualTo(1);
    }
  }

  @Test
  void anUnreachableModelIsRetryableUntilAttemptsRunOut() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    try (LaneFixture f = LlmFixture.lane(dir, LlmFixture.settings("http://127.0.0.1:" + port + "/v1"),
        ConversationSource.NONE, LaneFixture.fastRetries())) {
      Task t = f.awaitEnd(f.submit("llm", message("hi")), MAX);

      assertThat(t.state()).isEqualTo(TaskState.FAILED);
      assertThat(t.attempt()).isEqualTo(3);
      assertThat(t.error().code()).isEqualTo("model_unreachable");
      assertThat(t.error().message()).contains("connection refused").endsWith("(attempt 3 of 3, no attempts left)");
      List<Attempt> attempts = f.lane().attempts(t.id());
      assertThat(attempts.subList(0, 2)).allSatisfy(a -> assertThat(a.error().retryable()).isTrue());
    }
  }

  @Test
  void aModelThatNeverAnswersTimesOut() throws Exception {
    try (FakeOpenAi ai = new FakeOpenAi(r -> new Hang());
        LaneFixture f = LlmFixture.lane(dir, LlmFixture.withRequestTimeout(LlmFixture.settings(ai.baseUrl()),
            Duration.ofSeconds(1)), ConversationSource.NONE, LaneConfig.defaults().toBuilder()
            .defaultMaxAttempts(1).build())) {
      long start = System.nanoTime();
      Task t = f.awaitEnd(f.submit("llm", message("hi")), MAX);

      assertThat(t.state()).isEqualTo(TaskState.FAILED);
      assertThat(t.error().code()).isEqualTo("model_timeout");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    }
  }

  @Test
  void cancelInterruptsAModelCallInProgress() throws Exception {
    try (FakeOpenAi ai = new FakeOpenAi(r -> new Hang());
        LaneFixture f = LlmFixture.lane(dir, LlmFixture.withRequestTimeout(LlmFixture.settings(ai.baseUrl()),
            Duration.ofMinutes(5)), ConversationSource.NONE, LaneFixture.fastRetries())) {
      TaskId id = f.submit("llm", message("hi"));
      await().atMost(MAX).until(() -> ai.requests().size() == 1);
      long start = System.nanoTime();
      f.lane().cancel(id);
      Task t = f.awaitEnd(id, MAX);

      assertThat(t.state()).isEqualTo(TaskState.CANCELED);
      // well within the lane's 5 s cancel grace: the handler itself stopped
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(f.lane().runningHere()).isZero();
    }
  }
}
