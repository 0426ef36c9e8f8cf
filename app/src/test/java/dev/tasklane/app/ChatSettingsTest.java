package dev.tasklane.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasklane.agents.profile.ConfigException;
import dev.tasklane.chat.ChatConfig;
import dev.tasklane.gateway.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code "chat"} section of the configuration file: the knobs it sets, and the errors it is refused with. */
class ChatSettingsTest {
  @TempDir Path dir;

  @Test
  void theChatSectionSetsTheKnobsItNamesAndLeavesTheOthersAtTheirDefaults() throws Exception {
    Files.writeString(dir.resolve("tasklane.json"),
        "{\"chat\": {\"deliveryLease\": \"5s\", \"progressEditInterval\": \"500ms\", \"maxDeliveryAttempts\": 3}}");
    ChatConfig c = ChatSettings.resolve(dir, null);
    assertThat(c.deliveryLease()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.progressEditInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.maxDeliveryAttempts()).isEqualTo(3);
    assertThat(c.yieldWindow()).isEqualTo(ChatConfig.defaults().yieldWindow());
  }

  @Test
  void withoutAFileOrASectionEveryKnobHasItsDefault() {
    assertThat(ChatSettings.resolve(dir, null)).isEqualTo(ChatConfig.defaults());
    assertThat(ChatSettings.read(Json.parse("{}"), "f")).isEqualTo(ChatConfig.defaults());
  }

  @Test
  void anUnknownSettingOrABadValueIsRefusedNamingTheFileAndTheSetting() {
    assertThatThrownBy(() -> ChatSettings.read(Json.parse("{\"deliveryLeas\": \"5s\"}"), "data/tasklane.json"))
        .isInstanceOf(ConfigException.class).hasMessage(
            "data/tasklane.json: chat.deliveryLeas is not a chat setting (docs/CHAT.md lists them)");
    assertThatThrownBy(() -> ChatSettings.read(Json.parse("{\"deliveryLease\": \"soon\"}"), "f"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("f: chat.deliveryLease: not a duration: 'soon'");
    assertThatThrownBy(() -> ChatSettings.read(Json.parse("{\"deliveryLease\": 5}"), "f"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("chat.deliveryLease must be a duration");
    assertThatThrownBy(() -> ChatSettings.read(Json.parse("{\"deliveryLease\": \"0s\"}"), "f"))
        .isInstanceOf(ConfigException.class).hasMessage("f: chat.deliveryLease must be positive");
    assertThatThrownBy(() -> ChatSettings.read(Json.parse("{\"maxMessageChars\": 63}"), "f"))
        .isInstanceOf(ConfigException.class).hasMessage("f: chat.maxMessageChars must be at least 64");
    assertThatThrownBy(() -> ChatSettings.read(Json.parse("{\"maxMessageChars\": 1.5}"), "f"))
        .isInstanceOf(ConfigException.class).hasMessage("f: chat.maxMessageChars must be a whole number");
    assertThatThrownBy(() -> ChatSettings.read(Json.parse("[]"), "f"))
        .isInstanceOf(ConfigException.class).hasMessage("f: chat must be an object of settings");
  }
}
