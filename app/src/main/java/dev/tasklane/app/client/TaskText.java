package dev.tasklane.app.client;

import com.fasterxml.jackson.databind.JsonNode;

/** Tasks as short lines for a terminal. */
final class TaskText {
  private TaskText() {}

  /** {@code 00KQ  running  web:alice  exec  42%  compiling} */
  static String line(JsonNode t) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-6s %-9s %-20s %-8s", t.path("id").asText(), t.path("state").asText(),
        t.path("sessionKey").asText(), t.path("kind").asText()));
    JsonNode p = t.path("progress");
    if (p.path("fraction").isNumber()) sb.append(String.format(" %3.0f%%", p.path("fraction").asDouble() * 100));
    if (p.hasNonNull("message")) sb.append("  ").append(p.get("message").asText());
    return sb.toString().stripTrailing();
  }

  /** Several lines: the summary, then the result or error. */
  static String details(JsonNode t) {
    StringBuilder sb = new StringBuilder(line(t)).append('\n');
    sb.append("  attempt ").append(t.path("attempt").asInt()).append(" of ").append(t.path("maxAttempts").asInt());
    sb.append(", created ").append(t.path("createdAt").asText());
    if (t.hasNonNull("finishedAt")) sb.append(", finished ").append(t.get("finishedAt").asText());
    if (t.path("position").asLong(-1) >= 0) sb.append(", position ").append(t.get("position").asLong());
    sb.append('\n');
    if (t.hasNonNull("result")) sb.append("  result: ").append(result(t.get("result"))).append('\n');
    if (t.hasNonNull("error")) {
      sb.append("  error: ").append(t.at("/error/code").asText()).append(": ").append(t.at("/error/message").asText())
          .append('\n');
    }
    return sb.toString().stripTrailing();
  }

  static String result(JsonNode r) {
    if (r.isObject() && r.has("text")) return r.get("text").asText();
    if (r.isObject() && r.has("output")) return r.get("output").asText(); // exec: the command's output
    return r.toString();
  }
}
