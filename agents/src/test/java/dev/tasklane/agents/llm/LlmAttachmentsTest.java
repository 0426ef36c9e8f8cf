package dev.tasklane.agents.llm;

import static dev.tasklane.agents.llm.LlmFixture.MAX;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.agents.exec.ChildEnvironment;
import dev.tasklane.agents.exec.Environments;
import dev.tasklane.agents.exec.ExecOptions;
import dev.tasklane.agents.exec.OutputFormat;
import dev.tasklane.agents.profile.AgentChoices;
import dev.tasklane.agents.profile.AgentProfile;
import dev.tasklane.agents.profile.AgentsConfig;
import dev.tasklane.agents.profile.LlmSettings;
import dev.tasklane.agents.profile.ProfileRouter;
import dev.tasklane.agents.profile.SessionFolders;
import dev.tasklane.agents.testing.LaneFixture;
import dev.tasklane.attachments.Attachment;
import dev.tasklane.attachments.AttachmentLimits;
import dev.tasklane.attachments.AttachmentStore;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.core.TaskState;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images sent with an llm task are shown to the model; other files are named by their path. */
class LlmAttachmentsTest {
  static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  @TempDir Path dir;
  AttachmentStore store;

  LaneFixture lane(LlmSettings settings) {
    AgentProfile bot = new AgentProfile("bot", AgentProfile.Kind.LLM, List.of(), Duration.ofMinutes(1),
        ChildEnvironment.BASE_ONLY, OutputFormat.PLAIN, settings);
    return new LaneFixture(dir, db -> {
      store = AttachmentStore.open(db, dir.resolve("attachments"), AttachmentLimits.defaults(), Clock.systemUTC());
      ProfileRouter router = new ProfileRouter(new AgentsConfig(List.of(bot), null),
          new AgentChoices(db, Clock.systemUTC()), new SessionFolders(dir.resolve("data")));
      return Map.<String, TaskHandler>of("llm", new LlmHandler(router, (s, n) -> List.of(),
          new LlmHandler.Commands(ExecOptions.defaults(), Environments.baseOnly(System.getenv())), Clock.systemUTC(),
          store));
    }, LaneFixture.fastRetries());
  }

  JsonNode lastUserContent(FakeOpenAi ai, LlmSettings settings) {
    try (LaneFixture f = lane(settings)) {
      Attachment png = store.put("web:a", "shot.png", "image/png", new ByteArrayInputStream(PNG), "alice");
      Attachment txt = store.put("web:a", "log.txt", "text/plain", new ByteArrayInputStream("x".getBytes()), "alice");
      var input = LlmFixture.message("what is on the screenshot?");
      input.set(AttachmentStore.INPUT_FIELD, AttachmentStore.describe(List.of(png, txt)));
      Task t = f.awaitEnd(f.submit(SubmitRequest.builder("web:a", "llm").input(input)), MAX);
      assertThat(t.state()).as("%s", t.error()).isEqualTo(TaskState.COMPLETED);
      try (var files = java.nio.file.Files.walk(dir.resolve("data/work"))) {
        assertThat(files.map(p -> dir.relativize(p).toString())).as("copies in the session's working folder")
            .anyMatch(p -> p.endsWith("attachments/log.txt")).anyMatch(p -> p.endsWith("attachments/shot.png"));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      JsonNode messages = ai.requests().getFirst().path("messages");
      return messages.get(messages.size() - 1).path("content");
    }
  }

  @Test
  void anImageIsShownToTheModelAndEveryFileIsNamedByItsPath() throws Exception {
    try (FakeOpenAi ai = new FakeOpenAi(r -> new FakeOpenAi.Text("A login page."))) {
      JsonNode content = lastUserContent(ai, LlmFixture.settings(ai.baseUrl()));
      assertThat(content.isArray()).as("%s", content).isTrue();
      assertThat(content.get(0).path("text").asText()).startsWith("what is on the screenshot?")
          .contains("attachments/shot.png, attachments/log.txt");
      assertThat(content.get(1).path("image_url").path("url").asText())
          .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(PNG));
      assertThat(content).hasSize(2);
    }
  }

  @Test
  void aModelThatTakesNoImagesIsToldThePathsOnly() throws Exception {
    try (FakeOpenAi ai = new FakeOpenAi(r -> new FakeOpenAi.Text("ok"))) {
      LlmSettings s = LlmFixture.settings(ai.baseUrl());
      LlmSettings noImages = new LlmSettings(s.baseUrl(), s.apiKey(), s.model(), s.systemPrompt(), s.maxRounds(),
          s.requestTimeout(), s.historyTurns(), s.allowedCommands(), s.commandTimeout(), s.fetchMaxBytes(),
          s.fetchTimeout(), s.maxToolOutputChars(), false);
      JsonNode content = lastUserContent(ai, noImages);
      String text = content.isArray() ? content.get(0).path("text").asText() : content.asText();
      assertThat(text).contains("attachments/shot.png");
      assertThat(content.toString()).doesNotContain("image_url");
    }
  }
}
