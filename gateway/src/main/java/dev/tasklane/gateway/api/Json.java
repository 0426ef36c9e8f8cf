package dev.tasklane.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;

/** The gateway's one JSON mapper, and helpers that turn bad JSON into {@code bad_request}. */
public final class Json {
  /** Requests run on virtual threads: buffers shared by all threads, not one set per request. */
  public static final ObjectMapper MAPPER = new ObjectMapper(dev.tasklane.store.Json.sharingBuffers());

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /**
   * Parses a request body or frame; malformed JSON is a {@code bad_request}, and so is a string
   * that is not valid Unicode (an escaped surrogate without its pair, {@code "\ud83d"}): such a
   * string cannot be written out again as it came (UTF-8 has no encoding for it), so an id echoed,
   * a key stored or a session named would silently become another one.
   */
  public static JsonNode parse(String text) {
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new LaneException(ErrorCode.BAD_REQUEST, "malformed JSON: " + e.getOriginalMessage());
    }
    if (node == null || node.isMissingNode()) throw new LaneException(ErrorCode.BAD_REQUEST, "empty JSON");
    requireUnicode(node);
    return node;
  }

  private static void requireUnicode(JsonNode node) {
    if (node.isTextual()) requireUnicode(node.textValue());
    for (var field : node.properties()) {
      requireUnicode(field.getKey());
      requireUnicode(field.getValue());
    }
    if (node.isArray()) node.forEach(Json::requireUnicode);
  }

  private static void requireUnicode(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isSurrogate(c)) continue;
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else {
        throw new LaneException(ErrorCode.BAD_REQUEST, "a string is not valid Unicode (an unpaired surrogate)");
      }
    }
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JsonNode always serialises", e);
    }
  }

  /** {@code {"code": ..., "message": ...}}. */
  public static ObjectNode error(ErrorCode code, String message) {
    ObjectNode n = object();
    n.put("code", code.wire());
    n.put("message", message);
    return n;
  }
}
