package dev.tasklane.agents.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.tasklane.core.TaskContext;

/** A tool the model may call. Problems the model can fix are {@link ToolException}s, reported back to it. */
interface AgentTool {
  ToolSpecification spec();

  /** The step shown while the tool runs, e.g. "running git status". */
  String describe(JsonNode args);

  /** Runs the tool; returns the text the model gets back. */
  String run(JsonNode args, TaskContext ctx) throws ToolException, InterruptedException;

  /** A tool call that did not work; its message goes back to the model as the tool's result. */
  final class ToolException extends Exception {
    ToolException(String message) {
      super(message);
    }
  }
}
