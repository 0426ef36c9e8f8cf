package dev.tasklane.attachments;

import java.util.Locale;

/** File names from clients, made safe to show and to create in a working folder. */
public final class FileNames {
  static final int MAX_CHARS = 100;

  private FileNames() {}

  /**
   * The last path segment, with anything but letters, digits and {@code . _ - ( ) + , @} and spaces
   * replaced by {@code _}, no leading dots or dashes, at most 100 characters (the extension kept);
   * {@code file} when nothing is left.
   */
  public static String safe(String name) {
    if (name == null) return "file";
    String last = name.replace('\\', '/');
    last = last.substring(last.lastIndexOf('/') + 1);
    StringBuilder sb = new StringBuilder();
    last.codePoints().forEach(c -> sb.append(Character.isLetterOrDigit(c) || " ._-()+,@".indexOf(c) >= 0
        ? Character.toString(c) : "_"));
    String safe = sb.toString().strip().replaceAll("^[.\\-]+", "").replaceAll("[. ]+$", "");
    if (safe.length() > MAX_CHARS) {
      int dot = safe.lastIndexOf('.');
      String ext = dot > 0 && safe.length() - dot <= 10 ? safe.substring(dot) : "";
      safe = safe.substring(0, MAX_CHARS - ext.length()) + ext;
    }
    return safe.isEmpty() ? "file" : safe;
  }

  /** {@code name} if unused, else {@code name-2.ext}, {@code name-3.ext}… (case-insensitively). */
  static String unique(String name, java.util.Set<String> taken) {
    String candidate = name;
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    for (int n = 2; taken.contains(candidate.toLowerCase(Locale.ROOT)); n++) candidate = base + "-" + n + ext;
    taken.add(candidate.toLowerCase(Locale.ROOT));
    return candidate;
  }
}
