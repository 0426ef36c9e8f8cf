package dev.tasklane.agents.profile;

import java.time.Duration;
import java.util.List;

/**
 * How an {@code llm} profile talks to an OpenAI-compatible model and what its tools may do.
 *
 * @param baseUrl the API's base URL (e.g. {@code https://api.openai.com/v1}, {@code http://localhost:11434/v1})
 * @param apiKey the key sent as bearer token (local servers accept any)
 * @param model the model name
 * @param systemPrompt the instructions the conversation starts with
 * @param maxRounds model calls per task at most (each may ask for tools); the last round gets no tools
 * @param requestTimeout one model call at most
 * @param historyTurns earlier transcript entries given to the model as context
 * @param allowedCommands program names the command tool may run (empty = the tool refuses all)
 * @param commandTimeout one tool command at most
 * @param fetchMaxBytes the largest body the fetch tool reads (more is cut)
 * @param fetchTimeout one fetch at most
 * @param maxToolOutputChars tool output given back to the model at most (the rest is cut)
 * @param images whether attached images are shown to the model as images (the model must take them);
 *     otherwise, like other files, it is told their paths in the working folder
 */
public record LlmSettings(String baseUrl, String apiKey, String model, String systemPrompt, int maxRounds,
    Duration requestTimeout, int historyTurns, List<String> allowedCommands, Duration commandTimeout,
    int fetchMaxBytes, Duration fetchTimeout, int maxToolOutputChars, boolean images) {

  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
  public static final String DEFAULT_SYSTEM_PROMPT = """
      You are an assistant working in a chat. You may run commands in the conversation's working folder, \
      fetch web pages, and start background tasks for long work (the user gets their result as a later \
      message). Be brief; say what you did and what you found.""";

  public LlmSettings {
    allowedCommands = List.copyOf(allowedCommands);
  }

  /** Settings that show images to the model. */
  public LlmSettings(String baseUrl, String apiKey, String model, String systemPrompt, int maxRounds,
      Duration requestTimeout, int historyTurns, List<String> allowedCommands, Duration commandTimeout,
      int fetchMaxBytes, Duration fetchTimeout, int maxToolOutputChars) {
    this(baseUrl, apiKey, model, systemPrompt, maxRounds, requestTimeout, historyTurns, allowedCommands,
        commandTimeout, fetchMaxBytes, fetchTimeout, maxToolOutputChars, true);
  }
}
