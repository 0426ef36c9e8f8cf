package dev.tasklane.app.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tasklane cancel ID}. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
    description = "Cancel a task (a running one stops within the cancel grace period).")
public final class CancelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions server;

  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Override
  public Integer call() throws Exception {
    JsonNode t;
    try (ApiClient client = server.client()) {
      t = client.post("/v1/tasks/" + ApiClient.encode(id) + "/cancel", null, null);
    }
    String state = t.get("state").asText();
    String note = t.hasNonNull("cancelRequestedAt") && state.equals("running") ? " (stopping)" : "";
    spec.commandLine().getOut().println("task " + t.get("id").asText() + " " + state + note);
    return 0;
  }
}
