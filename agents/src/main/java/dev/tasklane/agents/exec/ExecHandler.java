package dev.tasklane.agents.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.core.TaskContext;
import dev.tasklane.core.TaskFailure;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.core.TaskResult;
import dev.tasklane.agents.TaskFiles;
import dev.tasklane.attachments.AttachmentStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code exec} kind: runs a command (a CLI coding agent, a script) as a process tree. Output
 * streams line by line as the task's output, the latest line (or, for stream-json agents, the
 * current step) is its progress; exit code 0 completes the task with
 * {@code {"exitCode": 0, "output": "...", "truncated": false}}, any other code fails it with
 * {@code exit_nonzero} and the end of standard error. Cancel and deadline stop the whole tree.
 * A command runs in its session's folder unless its input names one, with an explicit environment
 * (never the server's own: see {@link ChildEnvironment}). Input: see {@link ExecInput}.
 */
public final class ExecHandler implements TaskHandler {
  public static final String KIND = "exec";
  public static final String EXIT_NONZERO = "exit_nonzero";
  public static final String START_FAILED = "start_failed";
  public static final String AGENT_ERROR = "agent_error";

  private final CommandRunner runner;
  private final Environments environments;
  private final Function<String, Path> sessionFolder;
  private final AttachmentStore attachments;

  /**
   * @param environments what commands get of the server's environment
   * @param sessionFolder a session's own folder (created if missing), where commands run by default
   */
  public ExecHandler(ExecOptions options, Environments environments, Function<String, Path> sessionFolder) {
    this(options, environments, sessionFolder, null);
  }

  /** @param attachments where the files sent with a task are; null refuses tasks with files */
  public ExecHandler(ExecOptions options, Environments environments, Function<String, Path> sessionFolder,
      AttachmentStore attachments) {
    this.runner = new CommandRunner(options);
    this.environments = environments;
    this.sessionFolder = sessionFolder;
    this.attachments = attachments;
  }

  @Override
  public void checkInput(JsonNode input) throws TaskFailure {
    ExecInput.checkShape(input);
  }

  @Override
  public TaskResult run(TaskContext ctx) throws TaskFailure, InterruptedException {
    ExecInput in = ExecInput.parse(ctx.input());
    Path folder = in.cwd() != null ? in.cwd() : sessionFolder.apply(ctx.sessionKey());
    // Attached files go to <folder>/attachments; the command is told their paths.
    List<TaskFiles.Copy> files = TaskFiles.copy(attachments, ctx.task(), folder);
    Map<String, String> requested = new LinkedHashMap<>(in.env());
    if (!files.isEmpty()) requested.put(TaskFiles.ENV, TaskFiles.paths(files));
    Command command = new Command(in.argv(), folder, environments.of(in.profile(), requested), in.timeout());
    return run(ctx, in, command);
  }

  private TaskResult run(TaskContext ctx, ExecInput in, Command command) throws TaskFailure, InterruptedException {
    ProgressParser parser = in.format().newParser();
    ctx.progress(null, "starting " + StreamJsonParser.summary(String.join(" ", in.argv())));
    CommandOutcome o;
    try {
      o = runner.run(command, (stream, line) -> report(ctx, parser, in.format(), stream, line), ctx::onCancel);
    } catch (IOException e) {
      throw TaskFailure.permanent(START_FAILED, "cannot start " + in.argv().get(0) + ": " + e.getMessage());
    }
    ctx.checkCancelled();
    if (o.timedOut()) {
      throw TaskFailure.permanent("timeout", "the command ran past its timeout of " + timeoutOf(in).toSeconds()
          + " s and was stopped" + tail(o));
    }
    if (o.exitCode() != 0) {
      throw TaskFailure.permanent(EXIT_NONZERO, "the command exited with code " + o.exitCode() + tail(o));
    }
    if (parser.error().isPresent()) {
      throw TaskFailure.permanent(AGENT_ERROR, "the agent reported an error: " + parser.error().get());
    }
    return TaskResult.of(result(o, parser));
  }

  /** Shows one line as output and progress; returns what to keep of it for the result. */
  private static String report(TaskContext ctx, ProgressParser parser, OutputFormat format,
      CommandRunner.Stream stream, String line) {
    if (stream == CommandRunner.Stream.STDERR) {
      ctx.output(line);
      if (format == OutputFormat.PLAIN && !line.isBlank()) ctx.progress(parser.fraction(), line);
      return line;
    }
    ProgressParser.Reading r = parser.read(line);
    if (r.output() != null) r.output().lines().forEach(ctx::output);
    Double fraction = parser.fraction();
    if (r.step() != null) {
      ctx.step(r.step());
      if (fraction != null) ctx.progress(fraction, r.step());
    } else if (r.status() != null) {
      ctx.progress(fraction, r.status());
    }
    return r.output();
  }

  private ObjectNode result(CommandOutcome o, ProgressParser parser) {
    ObjectNode r = JsonNodeFactory.instance.objectNode().put("exitCode", o.exitCode());
    String output = o.output();
    boolean truncated = o.truncated();
    long dropped = o.droppedBytes();
    if (parser.finalResult().isPresent()) {
      CappedOutput finalText = new CappedOutput(runner.options().maxOutputBytes());
      parser.finalResult().get().lines().forEach(finalText::add);
      output = finalText.text();
      truncated = finalText.truncated();
      dropped = finalText.droppedBytes();
    }
    r.put("output", output).put("truncated", truncated);
    if (truncated) r.put("droppedBytes", dropped).put("maxOutputBytes", runner.options().maxOutputBytes());
    if (parser.steps() > 0) r.put("steps", parser.steps());
    if (parser.toolCalls() > 0) r.put("toolCalls", parser.toolCalls());
    return r;
  }

  private java.time.Duration timeoutOf(ExecInput in) {
    return in.timeout() != null ? in.timeout() : runner.options().defaultTimeout();
  }

  private static String tail(CommandOutcome o) {
    return o.stderrTail().isBlank() ? "" : "; standard error ends with:\n" + o.stderrTail();
  }
}
