package dev.tasklane.app.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The tasks a queued task still waits for: those of its {@code dependsOn} not completed yet. */
final class PendingDependencies {
  private PendingDependencies() {}

  /**
   * Empty unless {@code t} is queued and still waits for some of its dependencies ({@code waitingOn});
   * then one status request per dependency. One the server does not answer for (purged since, say)
   * is left out: the task itself is what was asked about, and its own answer must not fail for it.
   */
  static List<String> of(ApiClient client, JsonNode t) throws IOException, InterruptedException {
    List<String> pending = new ArrayList<>();
    if (!t.path("state").asText().equals("queued") || t.path("waitingOn").asInt(0) == 0) return pending;
    for (JsonNode id : t.path("dependsOn")) {
      try {
        JsonNode dependency = client.get("/v1/tasks/" + ApiClient.encode(id.asText()));
        if (!dependency.path("state").asText().equals("completed")) pending.add(id.asText());
      } catch (ApiException e) {
        // not_found or forbidden: nothing to say about it
      }
    }
    return pending;
  }
}
