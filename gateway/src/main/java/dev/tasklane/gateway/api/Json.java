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

  /** Parses a request body or frame; malformed JSON is a {@code bad_request}. */
  public static JsonNode parse(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) throw new LaneException(ErrorCode.BAD_REQUEST, "empty JSON");
      return node;
    } catch (JsonProcessingException e) {
      throw new LaneException(ErrorCode.BAD_REQUEST, "malformed JSON: " + e.getOriginalMessage());
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
