package dev.tasklane.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.agents.profile.AgentsConfig;
import dev.tasklane.agents.profile.ConfigException;
import dev.tasklane.telegram.Allowlist;
import dev.tasklane.telegram.TelegramConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Telegram bot's settings: {@code --telegram-token} or {@code TASKLANE_TELEGRAM_TOKEN} or
 * {@code telegram.token} in the configuration file turns it on; {@code TASKLANE_TELEGRAM_API_URL}
 * and {@code TASKLANE_TELEGRAM_ALLOW} (else {@code telegram.apiUrl}, {@code telegram.allow} in the
 * file) set the rest. The environment wins over the file. What an allowed user may do is their role
 * ({@code access.users}, docs/SECURITY.md).
 */
final class TelegramSettings {
  private TelegramSettings() {}

  /** The bot's configuration, or empty when no token is set anywhere. */
  static Optional<TelegramConfig> resolve(String flagToken, Map<String, String> env, Path dataDir, Path configFile) {
    JsonNode file = AgentsConfig.locate(dataDir, configFile).map(AgentsConfig::read).map(t -> t.path("telegram"))
        .orElse(null);
    String source = "telegram settings";
    String token = first(flagToken, env.get("TASKLANE_TELEGRAM_TOKEN"), text(file, "token"));
    if (token == null) return Optional.empty();
    try {
      String url = first(env.get("TASKLANE_TELEGRAM_API_URL"), text(file, "apiUrl"));
      String allow = first(env.get("TASKLANE_TELEGRAM_ALLOW"), list(file, "allow"));
      return Optional.of(TelegramConfig.builder(token.strip())
          .apiUrl(url == null ? TelegramConfig.DEFAULT_API_URL : URI.create(url.strip()))
          .allow(Allowlist.parse(allow)).build());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(source + ": " + e.getMessage(), e);
    }
  }

  private static String first(String... values) {
    for (String v : values) if (v != null && !v.isBlank()) return v;
    return null;
  }

  private static String text(JsonNode section, String field) {
    if (section == null || !section.hasNonNull(field)) return null;
    JsonNode v = section.get(field);
    if (!v.isValueNode()) throw new ConfigException("telegram." + field + " must be a string");
    return v.asText();
  }

  /** A list of ids in the file: an array of numbers, or a comma-separated string. */
  private static String list(JsonNode section, String field) {
    if (section == null || !section.hasNonNull(field)) return null;
    JsonNode v = section.get(field);
    if (!v.isArray()) return text(section, field);
    List<String> ids = new ArrayList<>();
    v.forEach(id -> ids.add(id.asText()));
    return String.join(",", ids);
  }
}
