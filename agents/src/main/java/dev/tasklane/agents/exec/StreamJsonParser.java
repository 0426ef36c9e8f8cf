package dev.tasklane.agents.exec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/**
 * Reads one JSON event per line, as CLI coding agents print them: Claude Code's
 * {@code --output-format stream-json} ({@code system}, {@code assistant} with {@code text} and
 * {@code tool_use} blocks, {@code user} with tool results, and a final {@code result}) and Codex's
 * {@code exec --json} items ({@code agent_message}, {@code command_execution}, ...). Each text block
 * and tool call is a step ("step 4: running tool Bash: npm test"); lines that are not JSON objects
 * are read as plain lines. The agent's plan gives the fraction: Claude's {@code TodoWrite} list and
 * Codex's {@code todo_list} item, as the share of their items done ("step 5: plan 2 of 4 done, now:
 * running the tests"). Without a plan there is no fraction: a count of turns says nothing of how many
 * are left.
 */
public final class StreamJsonParser implements ProgressParser {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int SUMMARY_CHARS = 100;
  private static final String[] TOOL_INPUT_KEYS = {"command", "file_path", "path", "pattern", "url", "query",
      "description", "prompt"};

  private final PlainLineParser plain = new PlainLineParser();
  private long steps;
  private long toolCalls;
  private String lastText;
  private String result;
  private String error;
  private Double fraction;

  @Override
  public Reading read(String line) {
    JsonNode event = parse(line);
    if (event == null) return plain.read(line);
    return switch (event.path("type").asText()) {
      case "system" -> new Reading(null, null, "agent started" + model(event));
      case "assistant" -> assistant(event.path("message").path("content"));
      case "result" -> result(event);
      case "item.started", "item.updated", "item.completed" -> item(event.path("item"), event.path("type").asText());
      case "error" -> failure(event.path("message").asText(event.toString()));
      default -> Reading.NOTHING;
    };
  }

  @Override
  public Optional<String> finalResult() {
    return Optional.ofNullable(result != null ? result : lastText);
  }

  @Override
  public Optional<String> error() {
    return Optional.ofNullable(error);
  }

  @Override
  public long steps() {
    return steps;
  }

  @Override
  public long toolCalls() {
    return toolCalls;
  }

  @Override
  public Double fraction() {
    return fraction;
  }

  private Reading assistant(JsonNode content) {
    StringBuilder output = new StringBuilder();
    String step = null;
    for (JsonNode block : content) {
      String type = block.path("type").asText();
      if (type.equals("text") && !block.path("text").asText().isBlank()) {
        String text = block.path("text").asText();
        lastText = text;
        append(output, text);
        step = nextStep(summary(text));
      } else if (type.equals("tool_use") && block.path("name").asText().equals("TodoWrite")
          && block.path("input").path("todos").isArray()) {
        String plan = plan(block.path("input").path("todos"), PlanShape.CLAUDE);
        if (plan != null) step = nextStep(plan);
      } else if (type.equals("tool_use")) {
        String name = block.path("name").asText("tool");
        String detail = toolDetail(block.path("input"));
        toolCalls++;
        append(output, "> " + name + (detail.isEmpty() ? "" : ": " + detail));
        step = nextStep("running tool " + name + (detail.isEmpty() ? "" : ": " + detail));
      }
    }
    return new Reading(output.isEmpty() ? null : output.toString(), step, null);
  }

  private Reading item(JsonNode item, String phase) {
    String type = item.path("type").asText();
    boolean started = phase.equals("item.started");
    if (type.equals("agent_message") && !started) {
      lastText = item.path("text").asText();
      return new Reading(lastText, nextStep(summary(lastText)), null);
    }
    if (type.equals("command_execution") && started) {
      toolCalls++;
      String cmd = summary(item.path("command").asText());
      return new Reading("> " + cmd, nextStep("running command: " + cmd), null);
    }
    if (type.equals("reasoning") && !started) return new Reading(null, null, summary(item.path("text").asText()));
    if (type.equals("todo_list") && item.path("items").isArray()) {
      String plan = plan(item.path("items"), PlanShape.CODEX);
      return plan == null ? Reading.NOTHING : new Reading(null, null, plan);
    }
    return Reading.NOTHING;
  }

  /**
   * How an agent writes the items of its plan: an item is done when its {@code doneField} reads
   * {@code doneValue}; the current one is the first whose {@code doneField} reads {@code activeValue}
   * (else the first not done), named by its {@code labelField}, else its {@code textField}.
   */
  private record PlanShape(String doneField, String doneValue, String activeValue, String labelField,
      String textField) {
    /** Claude Code's TodoWrite: {@code {"content", "status": "pending|in_progress|completed", "activeForm"}}. */
    static final PlanShape CLAUDE = new PlanShape("status", "completed", "in_progress", "activeForm", "content");
    /** Codex's todo_list: {@code {"text", "completed": true|false}}. */
    static final PlanShape CODEX = new PlanShape("completed", "true", null, "text", "text");
  }

  /**
   * Reads the agent's plan: sets the fraction to the share of items done and describes it ("plan 2
   * of 4 done, now: running the tests"). Null for an empty plan.
   */
  private String plan(JsonNode items, PlanShape shape) {
    if (items.isEmpty()) return null;
    int done = 0;
    JsonNode current = null;
    JsonNode firstOpen = null;
    for (JsonNode item : items) {
      String state = item.path(shape.doneField()).asText();
      if (state.equals(shape.doneValue())) done++;
      else if (firstOpen == null) firstOpen = item;
      if (current == null && state.equals(shape.activeValue())) current = item;
    }
    if (current == null) current = firstOpen;
    fraction = (double) done / items.size();
    String now = current == null ? "" : ", now: " + summary(current.path(shape.labelField())
        .asText(current.path(shape.textField()).asText()));
    return "plan " + done + " of " + items.size() + " done" + now;
  }

  private Reading result(JsonNode event) {
    if (event.path("result").isTextual()) result = event.path("result").asText();
    if (event.path("is_error").asBoolean(false)) {
      return failure(result != null ? result : event.path("subtype").asText("the agent reported an error"));
    }
    return new Reading(null, null, "finished after " + steps + " steps");
  }

  private Reading failure(String message) {
    error = message;
    return new Reading(message, null, "error: " + summary(message));
  }

  private String nextStep(String description) {
    steps++;
    return "step " + steps + ": " + description;
  }

  private static String toolDetail(JsonNode input) {
    for (String key : TOOL_INPUT_KEYS) {
      if (input.path(key).isTextual()) return summary(input.path(key).asText());
    }
    return "";
  }

  private static String model(JsonNode event) {
    return event.path("model").isTextual() ? " (" + event.path("model").asText() + ")" : "";
  }

  /** The first line, at most {@value #SUMMARY_CHARS} characters. */
  static String summary(String text) {
    String s = text.strip();
    int nl = s.indexOf('\n');
    if (nl >= 0) s = s.substring(0, nl).strip() + " ...";
    return s.length() <= SUMMARY_CHARS ? s : s.substring(0, SUMMARY_CHARS - 3) + "...";
  }

  private static void append(StringBuilder out, String text) {
    if (!out.isEmpty()) out.append('\n');
    out.append(text);
  }

  private static JsonNode parse(String line) {
    String s = line.strip();
    if (!s.startsWith("{")) return null;
    try {
      JsonNode n = MAPPER.readTree(s);
      return n != null && n.isObject() ? n : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
