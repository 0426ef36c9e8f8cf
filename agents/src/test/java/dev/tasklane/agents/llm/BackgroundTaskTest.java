package dev.tasklane.agents.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasklane.agents.llm.FakeOpenAi.Text;
import dev.tasklane.agents.testing.LaneFixture;
import dev.tasklane.core.Origin;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskState;
import java.nio.file.Path;
import dev.tasklane.core.TaskQuery;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model starts a durable child task that runs on its own and goes back to the same chat. */
class BackgroundTaskTest {
  @TempDir Path dir;

  @Test
  void theModelStartsAChildTaskWithTheParentsOriginAndGetsItsId() throws Exception {
    try (FakeOpenAi ai = new FakeOpenAi(r -> {
          if (FakeOpenAi.last(r).equals("user: count to three")) return new Text("one two three");
          if (FakeOpenAi.last(r).startsWith("tool: ")) return new Text("Started it; I will report back.");
          return FakeOpenAi.call("start_background_task", "{\"instruction\":\"count to three\"}");
        });
        LaneFixture f = LlmFixture.lane(dir, LlmFixture.settings(ai.baseUrl()), ConversationSource.NONE,
            LaneFixture.fastRetries())) {
      Origin origin = new Origin("web", "alice", "m-17", "alice");
      TaskId parentId = f.submit(SubmitRequest.builder("web:alice", "llm")
          .input(LaneFixture.object().put("message", "please count, in the background")).origin(origin));

      Task parent = f.awaitEnd(parentId, Duration.ofSeconds(20));
      assertThat(parent.state()).isEqualTo(TaskState.COMPLETED);
      assertThat(parent.result().get("text").asText()).isEqualTo("Started it; I will report back.");
      String toolResult = ai.requests().stream().map(FakeOpenAi::last).filter(m -> m.startsWith("tool: "))
          .findFirst().orElseThrow();
      Matcher m = Pattern.compile("Started background task (\\S+)\\.").matcher(toolResult);
      assertThat(m.find()).as(toolResult).isTrue();

      Task child = f.awaitEnd(TaskId.parse(m.group(1)), Duration.ofSeconds(20));
      assertThat(child.state()).isEqualTo(TaskState.COMPLETED);
      assertThat(child.result().get("text").asText()).isEqualTo("one two three");
      assertThat(child.parentId()).isEqualTo(parentId);
      assertThat(child.origin()).isEqualTo(origin);
      assertThat(child.sessionKey()).isEqualTo("web:alice");
      assertThat(child.input().get("background").asBoolean()).isTrue();
      // a background task is not offered the tool to start more
      var childRequest = ai.requests().stream().filter(r -> FakeOpenAi.last(r).equals("user: count to three"))
          .findFirst().orElseThrow();
      assertThat(FakeOpenAi.toolNames(childRequest)).doesNotContain("start_background_task").contains("fetch_url");
      assertThat(f.output(parentId)).contains("started background task " + child.id());
    }
  }

  @Test
  void aBackgroundTaskUsesOnlyAProfileTheConversationsRoleGrants() throws Exception {
    try (FakeOpenAi ai = new FakeOpenAi(r -> {
          if (FakeOpenAi.last(r).equals("user: count to three")) return new Text("one two three");
          if (FakeOpenAi.last(r).startsWith("tool: ")) return new Text("ok");
          return FakeOpenAi.call("start_background_task", "{\"instruction\":\"count to three\", \"profile\":\"bot\"}");
        });
        LaneFixture f = LlmFixture.lane(dir, LlmFixture.settings(ai.baseUrl()), ConversationSource.NONE,
            LaneFixture.fastRetries())) {
      var refused = LaneFixture.object().put("message", "count in the background");
      refused.putArray("grantedProfiles").add("assistant");
      Task parent = f.awaitEnd(f.submit("llm", refused), Duration.ofSeconds(20));
      assertThat(parent.state()).isEqualTo(TaskState.COMPLETED);
      assertThat(ai.requests().stream().map(FakeOpenAi::last).filter(m -> m.startsWith("tool: ")).findFirst()
          .orElseThrow()).isEqualTo("tool: error: the agent profile bot is not granted in this conversation;"
              + " background tasks may use: assistant");
      assertThat(f.lane().list(TaskQuery.all()).items()).hasSize(1);

      var granted = LaneFixture.object().put("message", "count again");
      granted.putArray("grantedProfiles").add("bot");
      TaskId parentId = f.awaitEnd(f.submit("llm", granted), Duration.ofSeconds(20)).id();
      Task child = f.lane().list(TaskQuery.all()).items().stream().filter(t -> parentId.equals(t.parentId()))
          .findFirst().orElseThrow();
      assertThat(child.input().get("grantedProfiles").toString()).isEqualTo("[\"bot\"]");
    }
  }

  @Test
  void aRetriedParentThatStartsTheSameWorkAgainGetsTheSameChild() throws Exception {
    AtomicInteger afterTool = new AtomicInteger();
    try (FakeOpenAi ai = new FakeOpenAi(r -> {
          if (FakeOpenAi.last(r).equals("user: count to three")) return new Text("one two three");
          if (FakeOpenAi.last(r).startsWith("tool: ")) {
            // the first attempt fails after starting the child; the retry starts it again
            return afterTool.incrementAndGet() == 1 ? new FakeOpenAi.Status(503, Map.of(), "overloaded")
                : new Text("Started it.");
          }
          return FakeOpenAi.call("start_background_task", "{\"instruction\":\"count to three\"}");
        });
        LaneFixture f = LlmFixture.lane(dir, LlmFixture.settings(ai.baseUrl()), ConversationSource.NONE,
            LaneFixture.fastRetries())) {
      TaskId parentId = f.submit("llm", LaneFixture.object().put("message", "count in the background"));

      Task parent = f.awaitEnd(parentId, Duration.ofSeconds(20));
      assertThat(parent.state()).isEqualTo(TaskState.COMPLETED);
      assertThat(parent.attempt()).isEqualTo(2);
      List<Task> children = f.lane().list(new TaskQuery("test:1", null, null, "llm", 100, null)).items().stream()
          .filter(t -> parentId.equals(t.parentId())).toList();
      assertThat(children).hasSize(1);
    }
  }
}
