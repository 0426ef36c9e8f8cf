package dev.tasklane.agents.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.tasklane.agents.Hashes;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Submitted;
import dev.tasklane.core.TaskContext;
import java.util.List;

/**
 * Starts a durable child task (same session, same origin, so the chat delivers its result when it
 * finishes, even after a restart). A retried attempt that starts the same instruction again gets the
 * same child (idempotency key from the parent and the instruction). A background task cannot start
 * further background tasks, and uses only a profile the conversation's role grants (the parent's
 * {@code grantedProfiles}), whatever the model asks for.
 */
final class BackgroundTaskTool implements AgentTool {
  static final String NAME = "start_background_task";

  private final ChildTasks children;
  private final List<String> grantedProfiles;

  /** @param grantedProfiles the only profiles it may start tasks with; null = any */
  BackgroundTaskTool(ChildTasks children, List<String> grantedProfiles) {
    this.children = children;
    this.grantedProfiles = grantedProfiles;
  }

  @Override
  public ToolSpecification spec() {
    return ToolSpecification.builder().name(NAME)
        .description("Starts long work as a background task and returns its id at once. The task runs on its own; "
            + "its result is sent to the user in this chat when it finishes. Use it for work that takes minutes, "
            + "then tell the user the task id.")
        .parameters(JsonObjectSchema.builder()
            .addStringProperty("instruction", "what the background task must do, complete and self-contained")
            .addStringProperty("profile", "optional: the agent profile to run it with (default: this chat's agent)")
            .required("instruction").build())
        .build();
  }

  @Override
  public String describe(JsonNode args) {
    return "starting a background task";
  }

  @Override
  public String run(JsonNode args, TaskContext ctx) throws ToolException {
    JsonNode instruction = args.path("instruction");
    if (!instruction.isTextual() || instruction.asText().isBlank()) {
      throw new ToolException("\"instruction\" must be a non-empty string");
    }
    String profile = args.path("profile").isTextual() && !args.path("profile").asText().isBlank()
        ? args.path("profile").asText() : null;
    SubmitRequest request = children.taskFor(profile, ctx.sessionKey(), instruction.asText())
        .orElseThrow(() -> new ToolException(profile == null ? "no agent is configured for background tasks"
            : "there is no agent profile named \"" + profile + "\""))
        .build();
    JsonNode input = request.input();
    String chosen = input.path("profile").asText(null);
    if (grantedProfiles != null && (chosen == null || !grantedProfiles.contains(chosen))) {
      throw new ToolException("the agent profile " + chosen + " is not granted in this conversation; background tasks"
          + " may use: " + (grantedProfiles.isEmpty() ? "none" : String.join(", ", grantedProfiles)));
    }
    if (input.isObject()) {
      ObjectNode child = ((ObjectNode) input.deepCopy()).put("background", true);
      if (grantedProfiles != null) grantedProfiles.forEach(child.putArray(LlmInput.GRANTED_PROFILES)::add);
      input = child;
    }
    String key = "background:" + ctx.id() + ":" + Hashes.shortHex(instruction.asText() + "\n" + profile, 8);
    try {
      Submitted s = ctx.spawn(request.toBuilder().input(input).idempotencyKey(key).build());
      String id = s.task().id().toString();
      ctx.output("started background task " + id);
      return "Started background task " + id + ". Its result will be sent to the user in this chat when it finishes;"
          + " do not wait for it.";
    } catch (LaneException e) {
      throw new ToolException("the background task could not be started: " + e.getMessage());
    }
  }
}
