package dev.tasklane.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.core.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * What a task is about, in the words of whoever asked for it: the message a chat agent was given
 * ({@code text}, {@code message}), the shell command ({@code shell}, or {@code sh -c} of a
 * {@code command}), else the command line, else the task's kind. One line, spaces collapsed.
 *
 * <p>The message comes before a {@code command}: an agent profile's task carries both the user's
 * message and the agent's command line built around it, and the title is what the user asked for.
 */
public final class TaskTitle {
  /** The longest title; longer ones end with an ellipsis. */
  public static final int MAX_CHARS = 200;
  private static final String[] TEXT_FIELDS = {"text", "message", "shell"};

  private TaskTitle() {}

  /** The title, at most {@link #MAX_CHARS} characters. */
  public static String of(Task t) {
    return of(t, MAX_CHARS);
  }

  /** The title, at most {@code maxChars} characters (at least 2). */
  public static String of(Task t, int maxChars) {
    String s = fromInput(t.input());
    s = (s == null || s.isBlank() ? t.kind() : s).strip().replaceAll("\\s+", " ");
    return s.length() <= maxChars ? s : s.substring(0, maxChars - 1) + "…";
  }

  private static String fromInput(JsonNode in) {
    if (in == null) return null;
    for (String field : TEXT_FIELDS) {
      if (in.path(field).isTextual() && !in.get(field).asText().isBlank()) return in.get(field).asText();
    }
    JsonNode cmd = in.path("command");
    if (cmd.isTextual()) return cmd.asText();
    if (!cmd.isArray() || cmd.isEmpty()) return null;
    List<String> argv = new ArrayList<>();
    cmd.forEach(a -> argv.add(a.asText()));
    boolean viaShell = argv.size() == 3 && argv.get(0).equals("sh") && argv.get(1).equals("-c");
    return viaShell ? argv.get(2) : String.join(" ", argv);
  }
}
