package dev.tasklane.app.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tasklane status ID}. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a task: state, progress, result or error.")
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions server;

  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Option(names = "--json", description = "Print the task as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (ApiClient client = server.client()) {
      JsonNode t = client.get("/v1/tasks/" + ApiClient.encode(id));
      spec.commandLine().getOut().println(json ? t.toPrettyString()
          : TaskText.details(t, PendingDependencies.of(client, t)));
    }
    return 0;
  }
}
