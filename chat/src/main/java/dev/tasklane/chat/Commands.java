package dev.tasklane.chat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.chat.access.Grants;
import dev.tasklane.chat.schedule.ScheduleCommands;
import dev.tasklane.chat.schedule.Schedules;
import dev.tasklane.core.LaneException;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.Task;
import dev.tasklane.core.TaskId;
import dev.tasklane.core.TaskQuery;
import dev.tasklane.core.TaskState;
import dev.tasklane.engine.Lane;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slash commands and status questions, answered from the ledger without waking an agent. Every
 * command sees and touches only the tasks of the session it was sent in.
 */
final class Commands {
  private static final Logger log = LoggerFactory.getLogger(Commands.class);
  private static final Set<String> BUILT_IN = Set.of("/status", "/tasks", "/cancel", "/retry", "/run", "/help");
  private static final Pattern NAME = Pattern.compile("/[a-z][a-z0-9_]{0,31}");
  private static final Set<TaskState> ACTIVE = Set.of(TaskState.QUEUED, TaskState.RUNNING);
  static final int RECENT_TASKS = 10;
  private static final int ACTIVE_SHOWN = 20;

  /** What a message leads to: an answer at once, or a task to start. */
  sealed interface Route permits Answer, Submit {}

  record Answer(String text) implements Route {}

  /** A task to start; the chat service adds the origin. */
  record Submit(SubmitRequest.Builder request) implements Route {}

  private final Lane lane;
  private final ChatConfig config;
  private final Clock clock;
  private final ScheduleCommands schedules;
  private final Map<String, Added> custom = new ConcurrentHashMap<>();

  /** A command added with {@link #add}, with the line {@code /help} shows for it. */
  private record Added(String description, ChatCommand command) {}

  Commands(Lane lane, ChatConfig config, Clock clock, ScheduleCommands schedules) {
    this.lane = lane;
    this.config = config;
    this.clock = clock;
    this.schedules = schedules;
  }

  void add(String name, String description, ChatCommand command) {
    String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    if (!NAME.matcher(n).matches()) {
      throw new IllegalArgumentException("a command is '/' and a lower-case word (letters, digits, _): " + name);
    }
    if (BUILT_IN.contains(n) || ScheduleCommands.NAMES.contains(n)) {
      throw new IllegalArgumentException(n + " is a built-in command");
    }
    if (description == null || description.isBlank()) {
      throw new IllegalArgumentException(n + " needs a description for /help");
    }
    custom.put(n, new Added(description.strip(), command));
  }

  /**
   * The route of a command or status question; empty for free text (which goes to the agent). A
   * command that starts a task is checked against the sender's grants.
   */
  Optional<Route> route(IncomingMessage m, Grants grants) {
    String sessionKey = m.sessionKey();
    String s = m.text().strip();
    if (isCommand(s)) return Optional.of(command(m, s, grants));
    if (StatusQuestion.matches(s)) {
      List<Task> active = active(sessionKey);
      if (!active.isEmpty()) return Optional.of(new Answer(describeAll(active)));
    }
    return Optional.empty();
  }

  /** A command starts with "/word"; "/etc/hosts is broken" is text for the agent. */
  private static boolean isCommand(String s) {
    return s.startsWith("/") && NAME.matcher(commandName(s)).matches();
  }

  /** The first word, lower case, without the "@mybot" that group chats add. */
  private static String commandName(String s) {
    String name = s.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
    int at = name.indexOf('@');
    return at > 0 ? name.substring(0, at) : name;
  }

  private Route command(IncomingMessage m, String s, Grants grants) {
    String sessionKey = m.sessionKey();
    String sender = m.sender();
    String[] parts = s.split("\\s+", 2);
    String name = commandName(s);
    String args = parts.length > 1 ? parts[1].strip() : "";
    try {
      return switch (name) {
        case "/status" -> new Answer(args.isEmpty() ? status(sessionKey) : status(sessionKey, args));
        case "/tasks" -> new Answer(tasks(sessionKey));
        case "/cancel" -> new Answer(cancel(sessionKey, args));
        case "/retry" -> retry(sessionKey, args, grants);
        case "/run" -> run(sessionKey, args, grants);
        case "/help" -> new Answer(help());
        case "/later", "/every", "/schedules", "/timezone" -> new Answer(schedule(m, name, args, grants));
        default -> custom(name, new ChatCommand.Call(sessionKey, args, sender, grants));
      };
    } catch (LaneException e) {
      return new Answer(e.getMessage() + " (" + e.code().wire() + ")");
    }
  }

  private String status(String sessionKey) {
    List<Task> active = active(sessionKey);
    if (active.isEmpty()) return "Nothing is running in this chat. /tasks lists the recent tasks.";
    return describeAll(active);
  }

  private String status(String sessionKey, String args) {
    Optional<Task> t = own(sessionKey, args);
    return t.map(task -> TaskTexts.describe(task, position(task), clock.instant())).orElseGet(() -> notFound(args));
  }

  private String tasks(String sessionKey) {
    List<Task> recent = lane.list(TaskQuery.session(sessionKey).withLimit(RECENT_TASKS)).items();
    if (recent.isEmpty()) return "No tasks in this chat yet.";
    return "Recent tasks, newest first:\n" + recent.stream().map(TaskTexts::line).collect(Collectors.joining("\n"))
        + "\n/status <id> for details.";
  }

  private String cancel(String sessionKey, String args) {
    if (args.isEmpty()) return "Usage: /cancel <id>, or /cancel all for every task of this chat.";
    if (args.equalsIgnoreCase("all")) {
      List<Task> touched = lane.cancelSession(sessionKey);
      if (touched.isEmpty()) return "Nothing to cancel in this chat.";
      return touched.stream().map(Commands::canceled).collect(Collectors.joining("\n"));
    }
    Optional<Task> t = own(sessionKey, args);
    if (t.isEmpty()) return notFound(args);
    if (t.get().isTerminal()) {
      return "Task " + t.get().id() + " already " + t.get().state().wire() + "; nothing to cancel.";
    }
    return canceled(lane.cancel(t.get().id()));
  }

  private static String canceled(Task t) {
    return t.state() == TaskState.CANCELED ? "Canceled task " + t.id() + "." : "Stopping task " + t.id() + "…";
  }

  private Route retry(String sessionKey, String args, Grants grants) {
    if (args.isEmpty()) return new Answer("Usage: /retry <id> runs a finished task again.");
    Optional<Task> found = own(sessionKey, args);
    if (found.isEmpty()) return new Answer(notFound(args));
    Task t = found.get();
    if (!t.isTerminal()) {
      return new Answer("Task " + t.id() + " is still " + t.state().wire() + "; /cancel " + t.id()
          + " first, or wait for it.");
    }
    requireRetry(t, grants);
    // Not lane.retry(): the new task answers the /retry message, not the original one.
    return new Submit(SubmitRequest.builder(sessionKey, t.kind()).input(grants.stampProfiles(t.input()))
        .priority(t.priority())
        .maxAttempts(t.maxAttempts()).deadline(t.deadline()));
  }

  /**
   * A retry runs the task again as its new sender: it needs the grant that starting it would need,
   * whoever started it first (in a group chat, an admin's command is not everyone's to repeat).
   */
  private void requireRetry(Task t, Grants grants) {
    String profile = t.input() == null ? null : t.input().path("profile").textValue();
    if (profile != null) {
      grants.requireProfile(profile);
    } else if (grants.maySubmit(t.kind())) {
      return;
    } else if (t.kind().equals(config.runKind())) {
      grants.requireRun();
    } else if (t.origin().channel() != null) {
      if (!grants.mayUseAgents()) throw grants.refusal("Talking to an agent", "\"profiles\"");
    } else {
      grants.requireKind(t.kind());
    }
  }

  private Route run(String sessionKey, String command, Grants grants) {
    grants.requireRun();
    if (command.isEmpty()) return new Answer("Usage: /run <command>, for example /run ls -la");
    if (!lane.kinds().contains(config.runKind())) {
      return new Answer("/run needs the '" + config.runKind() + "' handler, which this server does not have."
          + " See docs/AGENTS.md.");
    }
    ObjectNode input = JsonNodeFactory.instance.objectNode();
    input.putArray("command").add("sh").add("-c").add(command);
    return new Submit(SubmitRequest.builder(sessionKey, config.runKind()).input(input));
  }

  /**
   * The schedule commands. Making a schedule needs a role that may start work (an agent or
   * {@code /run}): a guest's message would be refused at each occurrence anyway. Each occurrence is
   * checked again with the grants its author has then.
   */
  private String schedule(IncomingMessage m, String name, String args, Grants grants) {
    boolean makes = name.equals("/later") || name.equals("/every");
    if (makes && !args.isBlank() && !grants.mayUseAgents() && !grants.mayRun()) {
      throw grants.refusal("Scheduling a message", "\"profiles\" or \"run\"");
    }
    return schedules.run(name, new Schedules.Author(m.sessionKey(), m.channel(), m.chatId(), m.sender()), args);
  }

  private Route custom(String name, ChatCommand.Call call) {
    Added c = custom.get(name);
    if (c == null) return new Answer("Unknown command " + name + ". /help lists the commands.");
    try {
      String reply = c.command().run(call);
      return new Answer(reply == null || reply.isBlank() ? "Done." : reply);
    } catch (LaneException e) {
      throw e; // a refusal: answered with its code
    } catch (RuntimeException e) {
      log.warn("command {} failed in {}", name, call.sessionKey(), e);
      return new Answer(name + " failed: " + e.getMessage());
    }
  }

  private String help() {
    StringBuilder sb = new StringBuilder("""
        Commands:
        /status [id] — what a task is doing; without an id, this chat's running and queued tasks
        /tasks — this chat's recent tasks
        /cancel <id> | all — stop a task, or every task of this chat
        /retry <id> — run a finished task again
        /run <command> — run a shell command as a task (if your role allows it)
        /later <when> <message> — send a message later: in 2h, at 17:30, tomorrow 9:00
        /every <rule> <message> — send a message again and again: day 9:00, weekday 8:30, hour, or cron
        /schedules — this chat's schedules; /schedules cancel <n> drops one
        /timezone [zone] — the chat's time zone for /later and /every, e.g. Europe/Berlin
        /help — this list
        """);
    new TreeMap<>(custom).forEach((n, c) -> sb.append(n).append(" — ").append(c.description()).append('\n'));
    sb.append("Anything else is a request for the agent; while it works, ask \"status?\" any time.");
    return sb.toString();
  }

  private List<Task> active(String sessionKey) {
    return lane.list(TaskQuery.session(sessionKey).withStates(ACTIVE).withLimit(ACTIVE_SHOWN)).items().reversed();
  }

  private String describeAll(List<Task> tasks) {
    return tasks.stream().map(t -> TaskTexts.describe(t, position(t), clock.instant()))
        .collect(Collectors.joining("\n"));
  }

  private long position(Task t) {
    return t.state() == TaskState.QUEUED ? lane.position(t.id()) : -1;
  }

  /** The task with this id if it belongs to the session; another chat's task is "not found". */
  private Optional<Task> own(String sessionKey, String idText) {
    TaskId id;
    try {
      id = TaskId.parse(idText.split("\\s+")[0]);
    } catch (LaneException e) {
      return Optional.empty();
    }
    return lane.get(id).filter(t -> t.sessionKey().equals(sessionKey));
  }

  private static String notFound(String idText) {
    return "No task '" + idText + "' in this chat (ids look like 00KQ). /tasks lists this chat's tasks.";
  }
}
