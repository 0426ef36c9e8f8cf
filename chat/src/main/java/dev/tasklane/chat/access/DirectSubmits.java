package dev.tasklane.chat.access;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The check of a task submitted directly ({@code POST /v1/tasks}, {@code task.create}): its kind
 * must be granted, and the input fields that choose where and with what a task runs need their own
 * grants. Every refusal is {@code forbidden} and changes nothing.
 */
public final class DirectSubmits {
  /** Input fields that choose the folder a task runs in. */
  static final List<String> FOLDERS = List.of("cwd", "workdir");

  private DirectSubmits() {}

  /**
   * Checks a direct submit of {@code kind} with {@code input} (may be null).
   *
   * @throws LaneException {@code forbidden} for what is not granted, {@code bad_request} for a folder
   *     that does not exist
   */
  public static void check(Grants who, String kind, JsonNode input) {
    who.requireKind(kind);
    if (who.admin() || input == null || !input.isObject()) return;
    if (input.has("env") || FOLDERS.stream().anyMatch(input::has)) {
      if (!who.mayChooseExecOptions()) {
        throw who.refusal("Choosing \"cwd\", \"workdir\" or \"env\"", "\"execOptions\": true");
      }
      for (String field : FOLDERS) if (input.hasNonNull(field)) checkFolder(who, field, input.get(field));
    }
    JsonNode profile = input.get("profile");
    if (profile != null && !profile.isNull()) {
      if (!profile.isTextual()) throw new LaneException(ErrorCode.BAD_REQUEST, "input.profile must be a profile name");
      who.requireProfile(profile.asText());
      // A profile brings its own command and environment; a command of the caller's choosing must
      // not run with that environment.
      if (input.has("command") || input.has("shell")) {
        throw new LaneException(ErrorCode.FORBIDDEN, "A task submitted directly cannot give its own \"command\" or "
            + "\"shell\" together with an agent \"profile\": only the admin can. Name the profile alone, or send a "
            + "chat message (chat.send).");
      }
    }
  }

  private static void checkFolder(Grants who, String field, JsonNode value) {
    if (!value.isTextual()) throw new LaneException(ErrorCode.BAD_REQUEST, "input." + field + " must be a folder path");
    Path real;
    try {
      Path p = Path.of(value.asText());
      if (!p.isAbsolute()) {
        throw new LaneException(ErrorCode.BAD_REQUEST, "input." + field + " must be an absolute path");
      }
      real = p.toRealPath();
    } catch (InvalidPathException | IOException e) {
      throw new LaneException(ErrorCode.BAD_REQUEST, "input." + field + " " + value.asText()
          + " is not an existing folder");
    }
    if (!who.mayUseFolder(real)) {
      throw who.refusal("The folder " + real + " (input." + field + ")",
          "\"folders\" holding it (now " + who.folders() + ")");
    }
  }
}
