package dev.tasklane.agents.profile;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A profile's argument vector with placeholders. Each element is expanded on its own, in one pass:
 * a value is never split into several arguments, never given to a shell, and placeholders inside a
 * value (a user writing "{workdir}") stay as they are.
 */
public final class CommandTemplate {
  public static final String MESSAGE = "message";
  public static final String WORKDIR = "workdir";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(" + MESSAGE + "|" + WORKDIR + ")}");

  private CommandTemplate() {}

  /** The argument vector with {@code {message}} and {@code {workdir}} replaced by the given values. */
  public static List<String> expand(List<String> template, Map<String, String> values) {
    return template.stream().map(arg -> expand(arg, values)).toList();
  }

  static boolean hasPlaceholder(String arg) {
    return PLACEHOLDER.matcher(arg).find();
  }

  private static String expand(String arg, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(arg);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(values.getOrDefault(m.group(1), "")));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
