package dev.tasklane.app.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tasklane watch ID}: follows a task's events (Server-Sent Events), reconnecting from the last
 * seen event if the connection drops. On a terminal one progress bar is redrawn in place; into a pipe
 * or a file it writes plain lines, one per change. Exits 0 if the task completed.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = "Follow a task live: a progress bar on a terminal, plain lines into a pipe or file.")
public final class WatchCommand implements Callable<Integer> {
  private static final Set<String> TERMINAL = Set.of("completed", "failed", "canceled", "expired");
  private static final int MAX_RECONNECTS = 10;
  private static final String REDRAW = "\r\033[K";

  @Spec CommandSpec spec;
  @Mixin ClientOptions server;

  @Parameters(index = "0", paramLabel = "ID", description = "Task id.")
  String id;

  @Option(names = "--plain", description = "Plain lines even on a terminal (the default into a pipe or file).")
  boolean plain;

  private boolean bar;
  private long tick;
  private String finalState;
  private Instant startedAt;
  private String lastLine;

  @Override
  public Integer call() throws Exception {
    try (ApiClient client = server.client()) {
      return follow(client);
    }
  }

  private int follow(ApiClient client) throws IOException, InterruptedException {
    bar = !plain && Terminal.isInteractive();
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
    if (bar) out.print(REDRAW);
    out.println(TaskText.details(t));
    out.flush();
    return finalState.equals("completed") ? 0 : 1;
  }

  private boolean show(PrintWriter out, JsonNode e) {
    String state = e.path("state").asText();
    Instant at = instant(e.path("at"));
    if (e.path("type").asText().equals("started")) startedAt = at;
    if (e.has("output")) {
      if (bar) out.print(REDRAW);
      out.println(e.get("output").asText().stripTrailing());
      if (!bar) lastLine = null; // output came between: say the progress again when it changes
    }
    JsonNode p = e.path("progress");
    Double fraction = p.path("fraction").isNumber() ? p.get("fraction").asDouble() : null;
    String message = p.hasNonNull("message") ? p.get("message").asText() : e.path("type").asText();
    if (state.equals("completed")) fraction = Double.valueOf(1.0);
    Duration elapsed = startedAt == null || at == null || !state.equals("running") ? null
        : Duration.between(startedAt, at);
    if (bar) {
      out.print(REDRAW + id + " " + state + " " + ProgressBar.render(fraction, elapsed, message, tick++));
    } else {
      // One line per change of state, step or fraction; the elapsed time alone is no news.
      String news = id + " " + state + ProgressBar.line(fraction, null, message);
      if (!news.equals(lastLine)) out.println(id + " " + state + ProgressBar.line(fraction, elapsed, message));
      lastLine = news;
    }
    out.flush();
    if (TERMINAL.contains(state)) {
      finalState = state;
      return false;
    }
    return true;
  }

  private static Instant instant(JsonNode n) {
    return n.isTextual() ? Instant.parse(n.asText()) : null;
  }
}
