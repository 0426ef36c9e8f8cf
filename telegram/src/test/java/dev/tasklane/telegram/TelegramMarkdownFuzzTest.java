package dev.tasklane.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tasklane.telegram.TelegramMarkdown.Formatted;
import java.util.List;

/**
 * Whatever an agent answers, its formatted form is one Telegram accepts (the test Bot API's entity
 * rules: within the text, not empty, nothing in code, no quote in a quote, nested or apart), and
 * its parts stay within a message. In the default test run the target runs its stored inputs;
 * {@code JAZZER_FUZZ=1} fuzzes.
 */
class TelegramMarkdownFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @FuzzTest(maxDuration = "30s")
  void anyTextRendersWithEntitiesTelegramAccepts(FuzzedDataProvider data) throws Exception {
    String markdown = data.consumeRemainingAsString();
    Formatted f = TelegramMarkdown.render(markdown);
    JsonNode entities = JSON.valueToTree(f.entities());
    try {
      FakeBotApi.checkEntities(f.text(), entities);
    } catch (FakeBotApi.BadRequest e) {
      throw new AssertionError(e.getMessage() + " in " + f.text(), e);
    }
    assertThat(f.text()).isEqualTo(f.text().stripTrailing());
    for (String part : TelegramMarkdown.closeFences(List.of(markdown, markdown))) {
      assertThat(part.length()).isLessThanOrEqualTo(markdown.length() + TelegramMarkdown.FENCE_ROOM);
    }
  }
}
