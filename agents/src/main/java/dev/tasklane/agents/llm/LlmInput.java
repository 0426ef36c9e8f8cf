package dev.tasklane.agents.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.core.TaskFailure;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The input of an {@code llm} task: {@code {"message": "...", "profile": "...", "workdir": "..."}};
 * {@code profile} defaults to the configured default, {@code workdir} to the session's folder.
 * {@code "background": true} marks a task started by the model, which may not start more;
 * {@code "grantedProfiles"} lists the only profiles its background tasks may use (the role of whoever
 * started the conversation grants only these; absent: any).
 */
record LlmInput(String message, String profile, Path workdir, boolean background, List<String> grantedProfiles) {
  static final String GRANTED_PROFILES = "grantedProfiles";

  static LlmInput parse(JsonNode in) throws TaskFailure {
    if (in == null || !in.isObject()) throw bad("the input must be a JSON object with \"message\"");
    JsonNode message = in.path("message");
    if (!message.isTextual() || message.asText().isBlank()) throw bad("\"message\" must be a non-empty string");
    String profile = optionalText(in, "profile");
    String workdir = optionalText(in, "workdir");
    Path folder;
    try {
      folder = workdir == null ? null : Path.of(workdir);
    } catch (InvalidPathException e) {
      throw bad("\"workdir\" is not a valid path: " + e.getMessage());
    }
    return new LlmInput(message.asText(), profile, folder, in.path("background").asBoolean(false),
        grantedProfiles(in.get(GRANTED_PROFILES)));
  }

  private static List<String> grantedProfiles(JsonNode n) throws TaskFailure {
    if (n == null || n.isNull()) return null;
    if (!n.isArray()) throw bad("\"" + GRANTED_PROFILES + "\" must be an array of profile names");
    List<String> out = new ArrayList<>();
    for (JsonNode p : n) out.add(p.asText());
    return List.copyOf(out);
  }

  private static String optionalText(JsonNode in, String key) throws TaskFailure {
    JsonNode n = in.path(key);
    if (n.isMissingNode() || n.isNull()) return null;
    if (!n.isTextual() || n.asText().isBlank()) throw bad("\"" + key + "\" must be a non-empty string");
    return n.asText();
  }

  private static TaskFailure bad(String message) {
    return TaskFailure.permanent("bad_input", message);
  }
}
