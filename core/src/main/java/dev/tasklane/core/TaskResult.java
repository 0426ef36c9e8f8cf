package dev.tasklane.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;

/** What a handler returns: any JSON value. {@link #text} makes the usual {@code {"text": ...}}. */
public record TaskResult(JsonNode value) {
  public TaskResult {
    if (value == null) value = NullNode.instance;
  }

  public static TaskResult of(JsonNode value) {
    return new TaskResult(value);
  }

  public static TaskResult text(String text) {
    return new TaskResult(JsonNodeFactory.instance.objectNode().put("text", text));
  }

  public static TaskResult empty() {
    return new TaskResult(NullNode.instance);
  }
}
