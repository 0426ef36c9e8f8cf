package dev.tasklane.agents.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasklane.agents.llm.FakeOpenAi.Text;
import dev.tasklane.agents.testing.LaneFixture;
import dev.tasklane.chat.ChatChannel;
import dev.tasklane.chat.ChatConfig;
import dev.tasklane.chat.ChatService;
import dev.tasklane.chat.IncomingMessage;
import dev.tasklane.chat.Reply;
import dev.tasklane.core.SubmitRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The llm agent behind the real chat flow: a quick answer is the reply within the yield window; a
 * slow one is acknowledged, its status message moves, then the answer arrives as a reply; work the
 * agent starts in the background arrives later in the same chat.
 */
class AgentThroughChatTest {
  private static final Duration YIELD = Duration.ofSeconds(1);

  @TempDir Path dir;

  /** The platform's side: what the chat sent and edited. */
  static final class Platform implements ChatChannel {
    record Sent(String chatId, String text, String replyTo) {}

    final List<Sent> sent = new CopyOnWriteArrayList<>();
    final List<String> edits = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    @Override
    public String name() {
      return "web";
    }

    @Override
    public String send(String chatId, String text, String replyTo) {
      sent.add(new Sent(chatId, text, replyTo));
      return "p" + ids.incrementAndGet();
    }

    @Override
    public void edit(String chatId, String platformMessageId, String text) {
      edits.add(text);
    }

    boolean repliedTo(String messageId, String containing) {
      return sent.stream().anyMatch(s -> messageId.equals(s.replyTo()) && s.text().contains(containing));
    }
  }

  private static FakeOpenAi.Reply script(com.fasterxml.jackson.databind.JsonNode request) {
    String last = FakeOpenAi.last(request);
    if (last.equals("user: what is 2+2")) return new Text("4, of course.");
    if (last.equals("user: think slowly")) {
      sleep(YIELD.multipliedBy(3));
      return new Text("Slow but sure: 42.");
    }
    if (last.equals("user: count to three")) {
      sleep(YIELD.multipliedBy(2));
      return new Text("one two three");
    }
    if (last.startsWith("tool: ")) return new Text("Started it; I will report back.");
    return FakeOpenAi.call("start_background_task", "{\"instruction\":\"count to three\"}");
  }

  @Test
  void quickSlowAndBackgroundAnswersReachTheChatOnce() throws Exception {
    Platform platform = new Platform();
    try (FakeOpenAi ai = new FakeOpenAi(AgentThroughChatTest::script);
        LaneFixture f = LlmFixture.lane(dir, LlmFixture.settings(ai.baseUrl()), ConversationSource.NONE,
            LaneFixture.fastRetries());
        ChatService chat = new ChatService(f.lane(), ChatConfig.defaults().toBuilder().yieldWindow(YIELD)
            .progressEditInterval(Duration.ofMillis(200)).build(), Clock.systemUTC())) {
      chat.addChannel(platform);
      chat.setAgentRouter((session, text) -> Optional.of(SubmitRequest.builder(session, "llm")
          .input(LaneFixture.object().put("message", text))));
      chat.start();

      // Quick: the model's answer is the reply, within the yield window.
      long t0 = System.nanoTime();
      Reply quick = chat.receive(new IncomingMessage("web", "alice", "m1", "alice", "what is 2+2"));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(YIELD.plusMillis(500));
      assertThat(quick.answer().text()).contains("4, of course.");

      // Slow: acknowledged at once with the task id, the status message moves, then the reply.
      t0 = System.nanoTime();
      Reply slow = chat.receive(new IncomingMessage("web", "alice", "m2", "alice", "think slowly"));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(YIELD.plusMillis(500));
      assertThat(slow.answer().text()).contains("task " + slow.taskId());
      await().atMost(Duration.ofSeconds(20)).until(() -> platform.repliedTo("m2", "Slow but sure: 42."));
      assertThat(platform.edits).anyMatch(e -> e.contains(slow.taskId().toString()) && e.contains("running"));

      // Background: the agent's answer now, the background work's result later, in the same chat.
      Reply bg = chat.receive(new IncomingMessage("web", "alice", "m3", "alice", "research in the background"));
      await().atMost(Duration.ofSeconds(20)).until(() -> platform.repliedTo("m3", "Started it; I will report back."));
      await().atMost(Duration.ofSeconds(20)).until(() -> platform.repliedTo("m3", "one two three"));
      assertThat(bg.taskId()).isNotNull();

      await().pollDelay(Duration.ofMillis(500)).until(() -> true);
      for (String text : List.of("4, of course.", "Slow but sure: 42.", "one two three")) {
        assertThat(platform.sent.stream().filter(s -> s.text().contains(text))).as(text).hasSize(1);
      }
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
