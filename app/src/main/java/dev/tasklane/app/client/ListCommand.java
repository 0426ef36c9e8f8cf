package dev.tasklane.app.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tasklane list}: newest first. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List tasks, newest first.")
public final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions server;

  @Option(names = {"-s", "--session"}, description = "Only this session.")
  String session;

  @Option(names = "--state", description = "Only these states, comma separated (queued,running,...).")
  String state;

  @Option(names = {"-n", "--limit"}, defaultValue = "20", description = "At most this many (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--cursor", description = "Continue after a previous page (its nextCursor).")
  String cursor;

  @Option(names = "--json", description = "Print the page as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    StringBuilder q = new StringBuilder("/v1/tasks?limit=").append(limit);
    if (session != null) q.append("&sessionKey=").append(ApiClient.encode(session));
    if (state != null) q.append("&state=").append(ApiClient.encode(state));
    if (cursor != null) q.append("&cursor=").append(ApiClient.encode(cursor));
    JsonNode page;
    try (ApiClient client = server.client()) {
      page = client.get(q.toString());
    }
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(page.toPrettyString());
      return 0;
    }
    if (page.get("items").isEmpty()) out.println("no tasks");
    for (JsonNode t : page.get("items")) {
      String notYet = TaskText.notYet(t);
      out.println(notYet == null ? TaskText.line(t) : TaskText.line(t) + "  " + notYet);
    }
    if (page.hasNonNull("nextCursor")) out.println("more: --cursor " + page.get("nextCursor").asText());
    return 0;
  }
}
