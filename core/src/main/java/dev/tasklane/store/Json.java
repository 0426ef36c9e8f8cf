package dev.tasklane.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.tasklane.core.Origin;
import dev.tasklane.core.Progress;
import dev.tasklane.core.TaskError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** JSON text as stored in the database's text columns. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper(sharingBuffers()).registerModule(new JavaTimeModule());

  private Json() {}

  /**
   * A JSON factory whose text buffers (several KB a set) are shared by all threads. Jackson keeps
   * them per thread by default, and a virtual thread (one per request, per submit) would allocate a
   * fresh set each time and hold it while it lives: 256 submitters held 3 MB, which every young
   * collection in their burst copied again.
   */
  public static JsonFactory sharingBuffers() {
    return JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build();
  }

  public static String write(Object value) {
    if (value == null) return null;
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  public static JsonNode tree(String text) {
    if (text == null) return null;
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new StoreException("stored JSON is unreadable: " + e.getOriginalMessage(), e);
    }
  }

  static <T> T read(String text, Class<T> type) {
    if (text == null) return null;
    try {
      return MAPPER.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new StoreException("stored JSON is unreadable: " + e.getOriginalMessage(), e);
    }
  }

  static Progress progress(String text) {
    return text == null ? Progress.NONE : read(text, Progress.class);
  }

  static TaskError error(String text) {
    return read(text, TaskError.class);
  }

  static Origin origin(String text) {
    return text == null ? Origin.NONE : read(text, Origin.class);
  }

  /** A short hash of a canonical form of the kind and input, to compare idempotent submits. */
  static String hash(String kind, String canonicalInput) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(kind.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(canonicalInput.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }
}
