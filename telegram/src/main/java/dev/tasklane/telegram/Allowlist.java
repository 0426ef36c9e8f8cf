package dev.tasklane.telegram;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Telegram user ids and chat ids (groups have negative ids). A message is allowed when its sender's
 * id or its chat's id is listed: listing a group lets every member of it in.
 */
public record Allowlist(Set<Long> ids) {
  public static final Allowlist NOBODY = new Allowlist(Set.of());

  public Allowlist {
    ids = Set.copyOf(ids);
  }

  /**
   * Parses {@code TASKLANE_TELEGRAM_ALLOW}: ids separated by commas (spaces allowed), e.g.
   * {@code 12345, -1001234567890}. Null or blank is nobody.
   *
   * @throws IllegalArgumentException naming the entry that is not a number
   */
  public static Allowlist parse(String list) {
    if (list == null || list.isBlank()) return NOBODY;
    Set<Long> ids = new LinkedHashSet<>();
    for (String part : list.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) continue;
      try {
        ids.add(Long.parseLong(p));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + p + "' is not a Telegram user or chat id (a number)");
      }
    }
    return new Allowlist(ids);
  }

  public boolean allows(Long userId, long chatId) {
    return ids.contains(chatId) || (userId != null && ids.contains(userId));
  }

  public boolean isEmpty() {
    return ids.isEmpty();
  }
}
