package dev.tasklane.agents.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.tasklane.agents.TaskFiles;
import dev.tasklane.agents.exec.CommandRunner;
import dev.tasklane.agents.exec.Environments;
import dev.tasklane.agents.exec.ExecOptions;
import dev.tasklane.agents.profile.AgentProfile;
import dev.tasklane.agents.profile.LlmSettings;
import dev.tasklane.agents.profile.ProfileRouter;
import dev.tasklane.attachments.AttachmentStore;
import dev.tasklane.core.TaskContext;
import dev.tasklane.core.TaskFailure;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.core.TaskResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code llm} kind: an OpenAI-compatible chat model with tools, in a bounded loop. Each round
 * asks the model (its text streams as output); when it asks for tools, they run and their results go
 * back to it; the answer without tool calls is the result ({@code {"text": ...}}). The last round
 * offers no tools, so the loop always ends. Every model call and tool call is a step of progress.
 * Input: see {@link LlmInput}.
 */
public final class LlmHandler implements TaskHandler {
  public static final String KIND = "llm";
  static final String MAX_ROUNDS = "max_rounds";
  private static final Logger log = LoggerFactory.getLogger(LlmHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What the command tool runs with: the limits of commands, and their environments (a profile's
   * commands get its {@code env} and {@code passEnv}, never its API key unless listed there).
   */
  public record Commands(ExecOptions options, Environments environments) {}

  private final ProfileRouter router;
  private final ConversationSource conversation;
  private final Commands commands;
  private final Clock clock;
  private final AttachmentStore attachments;
  private final Map<String, StreamingChatModel> models = new ConcurrentHashMap<>();

  /** Default limits; commands get the safe base of the server's environment only. */
  public LlmHandler(ProfileRouter router, ConversationSource conversation) {
    this(router, conversation, new Commands(ExecOptions.defaults(), Environments.baseOnly(System.getenv())),
        Clock.systemUTC());
  }

  public LlmHandler(ProfileRouter router, ConversationSource conversation, Commands commands, Clock clock) {
    this(router, conversation, commands, clock, null);
  }

  /** @param attachments where the files sent with a task are; null refuses tasks with files */
  public LlmHandler(ProfileRouter router, ConversationSource conversation, Commands commands, Clock clock,
      AttachmentStore attachments) {
    this.router = router;
    this.conversation = conversation;
    this.commands = commands;
    this.clock = clock;
    this.attachments = attachments;
  }

  @Override
  public void checkInput(JsonNode input) throws TaskFailure {
    LlmInput.parse(input);
  }

  @Override
  public TaskResult run(TaskContext ctx) throws TaskFailure, InterruptedException {
    LlmInput in = LlmInput.parse(ctx.input());
    AgentProfile profile = profile(in);
    LlmSettings s = profile.llm();
    Path workdir = in.workdir() != null ? in.workdir() : router.workdir(ctx.sessionKey());
    Map<String, AgentTool> tools = tools(profile, workdir, in);
    List<TaskFiles.Copy> files = TaskFiles.copy(attachments, ctx.task(), workdir);
    List<ChatMessage> messages = conversation(ctx.sessionKey(), in.message(), s, workdir);
    if (!files.isEmpty()) messages.set(messages.size() - 1, withFiles(in.message(), files, s.images()));
    long step = 0;
    int toolCalls = 0;
    for (int round = 1; round <= s.maxRounds(); round++) {
      ctx.checkCancelled();
      boolean last = round == s.maxRounds();
      ctx.step("step " + (++step) + ": asking " + s.model());
      AiMessage ai = ask(ctx, profile, messages, last ? Map.of() : tools);
      messages.add(ai);
      if (!ai.hasToolExecutionRequests()) return answer(ai, s, round, toolCalls);
      if (last) {
        throw TaskFailure.permanent(MAX_ROUNDS, "the model still asked for tools after " + s.maxRounds()
            + " rounds (the limit, maxRounds)");
      }
      for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
        toolCalls++;
        messages.add(ToolExecutionResultMessage.from(call, runTool(ctx, call, tools, s, ++step)));
      }
    }
    throw new IllegalStateException("unreachable: the last round returns or throws");
  }

  private AiMessage ask(TaskContext ctx, AgentProfile p, List<ChatMessage> messages, Map<String, AgentTool> tools)
      throws TaskFailure, InterruptedException {
    ChatRequest.Builder request = ChatRequest.builder().messages(new ArrayList<>(messages));
    if (!tools.isEmpty()) request.toolSpecifications(tools.values().stream().map(AgentTool::spec).toList());
    StreamedText text = new StreamedText(ctx::output);
    AiMessage ai = ModelCall.stream(model(p), request.build(), p.llm().requestTimeout(), p.llm().baseUrl(), text::add);
    text.flush();
    return ai;
  }

  private TaskResult answer(AiMessage ai, LlmSettings s, int rounds, int toolCalls) throws TaskFailure {
    if (ai.text() == null || ai.text().isBlank()) {
      throw TaskFailure.permanent(ModelErrors.BAD_RESPONSE, "the model gave an empty answer");
    }
    ObjectNode r = JSON.createObjectNode().put("text", ai.text()).put("model", s.model()).put("rounds", rounds)
        .put("toolCalls", toolCalls);
    return TaskResult.of(r);
  }

  /** Runs one tool call; whatever goes wrong is told to the model, which may correct itself next round. */
  private String runTool(TaskContext ctx, ToolExecutionRequest call, Map<String, AgentTool> tools, LlmSettings s,
      long step) throws InterruptedException {
    AgentTool tool = tools.get(call.name());
    if (tool == null) {
      ctx.step("step " + step + ": unknown tool " + call.name());
      return "error: there is no tool named \"" + call.name() + "\"; tools: " + String.join(", ", tools.keySet());
    }
    JsonNode args;
    try {
      String raw = call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments();
      args = JSON.readTree(raw);
      if (!args.isObject()) throw new IllegalArgumentException("arguments must be a JSON object");
    } catch (JsonProcessingException | IllegalArgumentException e) {
      ctx.step("step " + step + ": malformed call of " + call.name());
      return "error: the arguments of " + call.name() + " were not a valid JSON object: " + e.getMessage();
    }
    ctx.step("step " + step + ": " + tool.describe(args));
    try {
      return cut(tool.run(args, ctx), s.maxToolOutputChars());
    } catch (AgentTool.ToolException e) {
      ctx.output("tool error: " + e.getMessage());
      return "error: " + e.getMessage();
    } catch (RuntimeException e) {
      log.warn("tool {} of task {} failed", call.name(), ctx.id(), e);
      return "error: " + call.name() + " failed: " + e.getMessage();
    }
  }

  private Map<String, AgentTool> tools(AgentProfile profile, Path workdir, LlmInput in) {
    LlmSettings s = profile.llm();
    Map<String, AgentTool> tools = new LinkedHashMap<>();
    if (!s.allowedCommands().isEmpty()) {
      CommandRunner runner = new CommandRunner(commands.options().withMaxOutputBytes(Math.max(64,
          s.maxToolOutputChars())));
      tools.put(CommandTool.NAME, new CommandTool(s.allowedCommands(), runner, workdir,
          commands.environments().of(profile.name(), Map.of()), s.commandTimeout()));
    }
    tools.put(FetchTool.NAME, new FetchTool(s.fetchMaxBytes(), s.fetchTimeout()));
    if (!in.background()) {
      tools.put(BackgroundTaskTool.NAME, new BackgroundTaskTool(router::taskForProfile, in.grantedProfiles()));
    }
    return tools;
  }

  /** The system prompt, the session's latest turns (bounded), and the message to answer. */
  private List<ChatMessage> conversation(String sessionKey, String message, LlmSettings s, Path workdir) {
    List<ChatMessage> out = new ArrayList<>();
    String programs = s.allowedCommands().isEmpty() ? "" : "\nPrograms you may run: "
        + String.join(", ", s.allowedCommands()) + ".";
    out.add(SystemMessage.from(s.systemPrompt() + "\nWorking folder: " + workdir + programs));
    List<Turn> turns = s.historyTurns() == 0 ? List.of()
        : new ArrayList<>(conversation.recent(sessionKey, s.historyTurns() + 1));
    if (!turns.isEmpty() && turns.getLast().role() == Turn.Role.USER && turns.getLast().text().strip()
        .equals(message.strip())) {
      turns.removeLast(); // the transcript already holds the message being answered
    }
    for (Turn t : turns.subList(Math.max(0, turns.size() - s.historyTurns()), turns.size())) {
      if (t.text() == null || t.text().isBlank()) continue;
      out.add(t.role() == Turn.Role.USER ? UserMessage.from(t.text()) : AiMessage.from(t.text()));
    }
    out.add(UserMessage.from(message));
    return out;
  }

  /**
   * The message with the files: images shown as images when the profile says the model takes them,
   * every file also named by its path in the working folder (for the tools).
   */
  private static UserMessage withFiles(String message, List<TaskFiles.Copy> files, boolean images)
      throws TaskFailure {
    List<Content> parts = new ArrayList<>();
    parts.add(TextContent.from(message + "\n\nAttached files, copied into the working folder: "
        + String.join(", ", files.stream().map(c -> TaskFiles.FOLDER + "/" + c.file().name()).toList())));
    for (TaskFiles.Copy c : files) {
      if (!images || !c.file().attachment().isImage()) continue;
      try {
        String data = Base64.getEncoder().encodeToString(Files.readAllBytes(c.path()));
        parts.add(ImageContent.from(data, c.file().attachment().mediaType()));
      } catch (IOException e) {
        throw TaskFailure.retryable("attachments_unavailable", "cannot read " + c.file().name() + ": "
            + e.getMessage());
      }
    }
    return UserMessage.from(parts);
  }

  private AgentProfile profile(LlmInput in) throws TaskFailure {
    var config = router.config();
    var p = in.profile() != null ? config.profile(in.profile())
        : config.defaultProfile().filter(x -> x.kind() == AgentProfile.Kind.LLM)
            .or(() -> config.profiles().values().stream().filter(x -> x.kind() == AgentProfile.Kind.LLM).findFirst());
    if (p.isEmpty() || p.get().kind() != AgentProfile.Kind.LLM) {
      throw TaskFailure.permanent("bad_input", in.profile() == null ? "no llm profile is configured"
          : "\"" + in.profile() + "\" is not a configured llm profile");
    }
    return p.get();
  }

  private StreamingChatModel model(AgentProfile p) {
    return models.computeIfAbsent(p.name(), name -> OpenAiStreamingChatModel.builder()
        .httpClientBuilder(new ModelHttpClient.Builder(clock))
        .baseUrl(p.llm().baseUrl()).apiKey(p.llm().apiKey()).modelName(p.llm().model())
        .timeout(p.llm().requestTimeout())
        .build());
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "\n[... " + (s.length() - max) + " more characters left out]";
  }
}
