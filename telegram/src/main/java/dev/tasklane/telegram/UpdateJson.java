package dev.tasklane.telegram;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.telegram.telegrambots.meta.api.objects.Update;

/** Updates to and from the JSON stored in {@code telegram_updates.payload}. */
final class UpdateJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private UpdateJson() {}

  static String write(Update u) {
    try {
      return MAPPER.writeValueAsString(u);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write update " + u.getUpdateId(), e);
    }
  }

  /** The update, or empty for JSON that is not one (never throws). */
  static Optional<Update> read(String json) {
    try {
      return Optional.ofNullable(MAPPER.readValue(json, Update.class));
    } catch (JsonProcessingException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
