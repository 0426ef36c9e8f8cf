package dev.tasklane.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed access to request parameters: a JSON object from a frame or body, or the query string of an
 * HTTP request. A missing required parameter or a value of the wrong type is a {@code bad_request}
 * naming the parameter.
 */
public final class Params {
  private final JsonNode node;
  /** Query strings carry only text: numbers given as digits are accepted there. */
  private final boolean fromQuery;

  private Params(JsonNode node, boolean fromQuery) {
    this.node = node;
    this.fromQuery = fromQuery;
  }

  /** Parameters from a JSON value; absent or null means no parameters, anything but an object is an error. */
  public static Params of(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) return new Params(Json.object(), false);
    if (!node.isObject()) throw bad("params must be a JSON object");
    return new Params(node, false);
  }

  public static Params fromQuery(Map<String, List<String>> query) {
    ObjectNode n = Json.object();
    query.forEach((k, v) -> {
      if (v.size() == 1) n.put(k, v.getFirst());
      else v.forEach(s -> n.withArrayProperty(k).add(s)); // withArray("/x") would read k as a JSON Pointer
    });
    return new Params(n, true);
  }

  public boolean has(String name) {
    JsonNode v = node.get(name);
    return v != null && !v.isNull();
  }

  public String requiredString(String name) {
    String s = string(name);
    if (s == null || s.isBlank()) throw bad(name + " is required");
    return s;
  }

  /** A string, or null when absent. */
  public String string(String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) throw bad(name + " must be a string");
    return v.textValue();
  }

  /** An integer in [min, max], or {@code fallback} when absent. */
  public Integer integer(String name, int min, int max, Integer fallback) {
    Long v = longValue(name, null);
    if (v == null) return fallback;
    if (v < min || v > max) throw bad(name + " must be between " + min + " and " + max);
    return v.intValue();
  }

  public Long longValue(String name, Long fallback) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) return fallback;
    if (v.isIntegralNumber() && v.canConvertToLong()) return v.longValue();
    if (fromQuery && v.isTextual() && v.textValue().matches("-?\\d{1,18}")) return Long.parseLong(v.textValue());
    throw bad(name + " must be an integer");
  }

  /** A string or an array of strings (a query parameter given more than once), or an empty list. */
  public List<String> strings(String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) return List.of();
    if (v.isTextual()) return fromQuery ? splitCommas(v.textValue()) : List.of(v.textValue());
    if (!v.isArray()) throw bad(name + " must be a string or an array of strings");
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual()) throw bad(name + " must contain only strings");
      out.add(e.textValue());
    }
    return out;
  }

  /** Any JSON value, or null when absent. */
  public JsonNode json(String name) {
    JsonNode v = node.get(name);
    return v == null || v.isNull() ? null : v;
  }

  private static List<String> splitCommas(String s) {
    List<String> out = new ArrayList<>();
    for (String part : s.split(",")) if (!part.isBlank()) out.add(part.strip());
    return out;
  }

  static LaneException bad(String message) {
    return new LaneException(ErrorCode.BAD_REQUEST, message);
  }
}
