package dev.tasklane.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneConfig;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.TaskResult;
import dev.tasklane.engine.Lane;
import dev.tasklane.store.sqlite.SqliteDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any chat message through the chat flow ({@link ChatService#receive}), commands included: it is
 * stored and answered, or refused with an error the sender caused, never with another exception.
 * The input's first line is the chat id, the second the message id, the rest the text. Nothing is
 * run on this machine: {@code /run} reaches an {@code exec} handler that only says what it would
 * run. Seeds: {@code ChatMessageFuzzTestInputs/}; docs/TESTING.md says how to fuzz for longer.
 */
class ChatMessageFuzzTest {
  private static final Set<ErrorCode> SENDER_ERRORS =
      Set.of(ErrorCode.BAD_REQUEST, ErrorCode.TOO_LARGE, ErrorCode.RATE_LIMITED, ErrorCode.BUSY);

  @TempDir static Path dir;
  static Lane lane;
  static ChatService chat;

  @BeforeAll
  static void start() {
    lane = Lane.builder()
        .database(SqliteDatabase.open(dir.resolve("tasklane.db")))
        .config(LaneConfig.defaults().toBuilder().cancelGrace(Duration.ofMillis(200)).build())
        .handler("echo", ctx -> TaskResult.text("echo: " + ctx.input().path("text").asText()))
        .handler("exec", ctx -> TaskResult.text("would run " + ctx.input()))
        .start();
    chat = new ChatService(lane, ChatConfig.defaults().toBuilder().yieldWindow(Duration.ZERO).build(),
        Clock.systemUTC());
    chat.addChannel(new RecordingChannel("fuzz"));
    chat.setAgentRouter((session, text) -> Optional.of(SubmitRequest.builder(session, "echo")
        .input(JsonNodeFactory.instance.objectNode().put("text", text))));
    chat.start();
  }

  @AfterAll
  static void stop() {
    chat.close();
    lane.close();
  }

  @FuzzTest(maxDuration = "5m")
  void message(byte[] input) {
    String[] parts = new String(input, StandardCharsets.UTF_8).split("\n", 3);
    IncomingMessage m = new IncomingMessage("fuzz", parts[0], parts.length > 1 ? parts[1] : "m",
        "fuzzer", parts.length > 2 ? parts[2] : "");
    try {
      Reply reply = chat.receive(m);
      if (!reply.duplicate()) assertThat(reply.userMessage().text()).isEqualTo(m.text());
    } catch (LaneException refused) {
      assertThat(refused.code()).as("refusal of %s", m).isIn(SENDER_ERRORS);
      assertThat(refused.getMessage()).isNotBlank();
    }
  }
}
