package dev.tasklane.app.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.app.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tasklane submit}: queues a task and prints its id at once. */
@Command(name = "submit", mixinStandardHelpOptions = true, description = "Submit a task; prints its id and queue position.")
public final class SubmitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions server;

  @Option(names = {"-s", "--session"}, defaultValue = "cli:local", description = "Session key (default ${DEFAULT-VALUE}).")
  String session;

  @Option(names = {"-k", "--kind"}, defaultValue = "exec", description = "Task kind (default ${DEFAULT-VALUE}).")
  String kind;

  @Option(names = {"-i", "--input"}, description = "Input as JSON (instead of COMMAND).")
  String input;

  @Option(names = {"-p", "--priority"}, description = "0 to 10, higher first.")
  Integer priority;

  @Option(names = "--idempotency-key", description = "The same key returns the same task instead of a new one.")
  String idempotencyKey;

  @Option(names = "--delay", converter = Durations.class, description = "Start no earlier than this from now (30m, 2h, 1d).")
  Duration delay;

  @Option(names = "--not-before", description = "Start no earlier than this ISO-8601 time (2026-01-05T09:00:00Z).")
  String notBefore;

  @Option(names = "--ttl", converter = Durations.class, description = "Expire if not started within this of its start time.")
  Duration ttl;

  @Option(names = "--depends-on", split = ",", paramLabel = "ID", description = "Run after these tasks completed, with their results.")
  List<String> dependsOn;

  @Option(names = "--attach", paramLabel = "FILE", description = "Send a file with the task (repeatable); exec finds it in attachments/.")
  List<Path> attach;

  @Option(names = "--json", description = "Print the task as JSON.")
  boolean json;

  @Parameters(arity = "0..*", paramLabel = "COMMAND", description = "For exec: the command to run (via sh -c).")
  List<String> command;

  @Override
  public Integer call() throws Exception {
    ObjectMapper m = new ObjectMapper();
    ObjectNode body = m.createObjectNode().put("sessionKey", session).put("kind", kind);
    if (input != null) body.set("input", m.readTree(input));
    else if (command != null && !command.isEmpty()) {
      body.putObject("input").put("shell", String.join(" ", command));
    }
    if (priority != null) body.put("priority", priority);
    if (delay != null) body.put("delaySeconds", delay.toSeconds());
    if (notBefore != null) body.put("notBefore", notBefore);
    if (ttl != null) body.put("ttlSeconds", ttl.toSeconds());
    if (dependsOn != null) dependsOn.forEach(body.withArray("dependsOn")::add);
    try (ApiClient client = server.client()) {
      if (attach != null) {
        for (Path f : attach) body.withArray("attachments").add(client.upload(session, f).get("id").asText());
      }
      JsonNode t = client.post("/v1/tasks", body, idempotencyKey);
      var out = spec.commandLine().getOut();
      if (json) out.println(t.toPrettyString());
      else out.println(TaskText.submitted(t, PendingDependencies.of(client, t)));
    }
    return 0;
  }
}
