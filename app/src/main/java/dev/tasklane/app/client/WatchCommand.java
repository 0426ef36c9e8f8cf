package dev.tasklane.app.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tasklane watch ID}: follows a task's events (Server-Sent Events) with a progress bar,
 * reconnecting from the last seen event if the connection drops. Exits 0 if the task completed.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, description = "Follow a task live with a progress bar.")
public final class WatchCommand implements Callable<Integer> {
  private static final Set<String> TERMINAL = Set.of("completed", "failed", "canceled", "expired");
  private static final int MAX_RECONNECTS = 10;

  @Spec CommandSpec spec;
  @Mixin ClientOptions server;

  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  private long tick;
  private String finalState;

  @Override
  public Integer call() throws Exception {
    ApiClient client = server.client();
    PrintWriter out = spec.commandLine().getOut();
    long seq = 0;
    int failures = 0;
    while (finalState == null) {
      try {
        seq = client.events(id, seq, e -> show(out, e));
        if (finalState == null) {
          // The stream ended before the task did (the server restarted): ask, then follow again.
          String state = client.get("/v1/tasks/" + ApiClient.encode(id)).get("state").asText();
          if (TERMINAL.contains(state)) finalState = state;
          else Thread.sleep(250);
        }
        failures = 0;
      } catch (IOException e) {
        if (++failures > MAX_RECONNECTS) throw e;
        Thread.sleep(Math.min(5000, 250L << Math.min(failures, 5)));
      }
    }
    JsonNode t = client.get("/v1/tasks/" + ApiClient.encode(id));
    out.print("\r\033[K");
    out.println(TaskText.details(t));
    out.flush();
    return finalState.equals("completed") ? 0 : 1;
  }

  private boolean show(PrintWriter out, JsonNode e) {
    String state = e.path("state").asText();
    if (e.has("output")) {
      out.print("\r\033[K");
      out.println(e.get("output").asText().stripTrailing());
    }
    JsonNode p = e.path("progress");
    Double fraction = p.path("fraction").isNumber() ? p.get("fraction").asDouble() : null;
    String message = p.hasNonNull("message") ? p.get("message").asText() : e.path("type").asText();
    if (state.equals("completed")) fraction = Double.valueOf(1.0);
    out.print("\r\033[K" + id + " " + state + " " + ProgressBar.render(fraction, message, tick++));
    out.flush();
    if (TERMINAL.contains(state)) {
      finalState = state;
      return false;
    }
    return true;
  }
}
