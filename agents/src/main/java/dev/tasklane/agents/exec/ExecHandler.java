package dev.tasklane.agents.exec;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.core.TaskContext;
import dev.tasklane.core.TaskFailure;
import dev.tasklane.core.TaskHandler;
import dev.tasklane.core.TaskResult;
import dev.tasklane.agents.TaskFiles;
import dev.tasklane.attachments.AttachmentStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code exec} kind: runs a command (a CLI coding agent, a script) as a process tree. Output
 * streams line by line as the task's output, the latest line (or, for stream-json agents, the
 * current step) is its progress; exit code 0 completes the task with
 * {@code {"exitCode": 0, "output": "...", "truncated": false}}, any other code fails it with
 * {@code exit_nonzero} and the end of standard error. Cancel and deadline stop the whole tree.
 * Input: see {@link ExecInput}.
 */
public final class ExecHandler implements TaskHandler {
  public static final String KIND = "exec";
  public static final String EXIT_NONZERO = "exit_nonzero";
  public static final String START_FAILED = "start_failed";
  public static final String AGENT_ERROR = "agent_error";

  private final CommandRunner runner;
  private final AttachmentStore attachments;

  public ExecHandler() {
    this(ExecOptions.defaults());
  }

  public ExecHandler(ExecOptions options) {
    this(options, null);
  }

  /** @param attachments where the files sent with a task are; null refuses tasks with files */
  public ExecHandler(ExecOptions options, AttachmentStore attachments) {
    this.runner = new CommandRunner(options);
    this.attachments = attachments;
  }

  @Override
  public TaskResult run(TaskContext ctx) throws TaskFailure, InterruptedException {
    ExecInput in = ExecInput.parse(ctx.input());
    // Attached files go to <cwd>/attachments; a command without a folder gets one for this run.
    Path scratch = in.cwd() == null && ctx.input().has(AttachmentStore.INPUT_FIELD) ? scratch(ctx) : null;
    try {
      List<TaskFiles.Copy> files = TaskFiles.copy(attachments, ctx.task(), scratch != null ? scratch : in.cwd());
      return run(ctx, in, files.isEmpty() ? in.toCommand() : withFiles(in, scratch, files));
    } finally {
      if (scratch != null) deleteTree(scratch);
    }
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

  /** The command run in the folder of the files (if it had none), told their paths in {@link TaskFiles#ENV}. */
  private static Command withFiles(ExecInput in, Path scratch, List<TaskFiles.Copy> files) {
    Map<String, String> env = new LinkedHashMap<>(in.env());
    env.put(TaskFiles.ENV, TaskFiles.paths(files));
    return new Command(in.argv(), scratch != null ? scratch : in.cwd(), env, in.timeout());
  }

  private static Path scratch(TaskContext ctx) throws TaskFailure {
    try {
      return Files.createTempDirectory("tasklane-" + ctx.id() + "-");
    } catch (IOException e) {
      throw TaskFailure.retryable("attachments_unavailable", "cannot make a folder for the attachments: "
          + e.getMessage());
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A left-over temporary folder is no failure of the task.
    }
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
