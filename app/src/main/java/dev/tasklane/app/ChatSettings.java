package dev.tasklane.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.agents.profile.AgentsConfig;
import dev.tasklane.agents.profile.ConfigException;
import dev.tasklane.chat.ChatConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;

/**
 * The chat flow's knobs from the {@code "chat"} section of the configuration file, each named as in
 * {@link ChatConfig} (docs/CHAT.md), durations written as on the command line ({@code 30s},
 * {@code 500ms}); a knob left out keeps its default. An unknown name or a bad value stops the node
 * with a message naming the file and the setting.
 */
final class ChatSettings {
  private ChatSettings() {}

  static ChatConfig resolve(Path dataDir, Path configFile) {
    Optional<Path> file = AgentsConfig.locate(dataDir, configFile);
    JsonNode section = file.map(AgentsConfig::read).map(t -> t.get("chat")).orElse(null);
    return read(section, file.map(Path::toString).orElse("the configuration"));
  }

  static ChatConfig read(JsonNode section, String source) {
    ChatConfig.Builder b = ChatConfig.defaults().toBuilder();
    if (section == null || section.isNull()) return b.build();
    if (!section.isObject()) throw new ConfigException(source + ": chat must be an object of settings");
    for (Iterator<Map.Entry<String, JsonNode>> it = section.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      apply(b, f.getKey(), f.getValue(), source + ": chat." + f.getKey());
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(source + ": chat." + e.getMessage(), e);
    }
  }

  private static void apply(ChatConfig.Builder b, String name, JsonNode v, String where) {
    switch (name) {
      case "yieldWindow" -> b.yieldWindow(duration(v, where));
      case "progressEditInterval" -> b.progressEditInterval(duration(v, where));
      case "heartbeatAfter" -> b.heartbeatAfter(duration(v, where));
      case "maxMessageChars" -> b.maxMessageChars(number(v, where));
      case "transcriptLimit" -> b.transcriptLimit(number(v, where));
      case "maxIncomingChars" -> b.maxIncomingChars(number(v, where));
      case "deliveryRetryBase" -> b.deliveryRetryBase(duration(v, where));
      case "deliveryRetryMax" -> b.deliveryRetryMax(duration(v, where));
      case "maxDeliveryAttempts" -> b.maxDeliveryAttempts(number(v, where));
      case "deliveryLease" -> b.deliveryLease(duration(v, where));
      case "maxTrackedStatusMessages" -> b.maxTrackedStatusMessages(number(v, where));
      default -> throw new ConfigException(where + " is not a chat setting (docs/CHAT.md lists them)");
    }
  }

  private static Duration duration(JsonNode v, String where) {
    if (!v.isTextual()) throw new ConfigException(where + " must be a duration such as \"30s\" or \"500ms\"");
    try {
      return Durations.parse(v.asText());
    } catch (CommandLine.TypeConversionException e) {
      throw new ConfigException(where + ": " + e.getMessage(), e);
    }
  }

  private static int number(JsonNode v, String where) {
    if (!v.canConvertToInt() || !v.isIntegralNumber()) throw new ConfigException(where + " must be a whole number");
    return v.asInt();
  }
}
