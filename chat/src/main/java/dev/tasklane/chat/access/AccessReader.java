package dev.tasklane.chat.access;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Reads and checks the {@code "access"} section; every error names the file and the setting. */
final class AccessReader {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Set<String> SECTION = Set.of("roles", "tokens", "users", "defaultRole");
  private static final Set<String> ROLE = Set.of("kinds", "run", "profiles", "execOptions", "folders");

  private final String source;
  private final Path dataDir;
  private final Map<String, Grants> roles;

  AccessReader(String source, Path dataDir, Map<String, Grants> builtIn) {
    this.source = source;
    this.dataDir = dataDir;
    this.roles = new LinkedHashMap<>(builtIn);
  }

  AccessPolicy read(JsonNode access) {
    object(access, "access", SECTION);
    JsonNode defined = access.path("roles");
    if (!defined.isMissingNode() && !defined.isNull()) {
      object(defined, "access.roles", null);
      for (var e : defined.properties()) roles.put(e.getKey(), role(e.getKey(), e.getValue()));
    }
    String defaultRole = access.path("defaultRole").isMissingNode() ? "user" : roleName(access.get("defaultRole"),
        "access.defaultRole");
    Map<String, String> tokens = assignments(access.path("tokens"), "access.tokens", false);
    Map<String, String> users = assignments(access.path("users"), "access.users", true);
    return new AccessPolicy(roles, tokens, users, defaultRole);
  }

  private Grants role(String name, JsonNode r) {
    String at = "access.roles." + name;
    if (!NAME.matcher(name).matches()) throw error(at, "is not a valid role name (letters, digits, '_', '.', '-')");
    if (name.equals("admin")) throw error(at, "cannot be redefined: admin has every grant");
    object(r, at, ROLE);
    Set<String> profiles = r.has("profiles") ? strings(r.get("profiles"), at + ".profiles") : Set.of(Grants.ALL);
    List<Path> folders = new ArrayList<>();
    if (r.has("folders")) strings(r.get("folders"), at + ".folders").forEach(f -> folders.add(dataDir.resolve(f)));
    else folders.add(dataDir.resolve(AccessPolicy.WORK_FOLDER));
    return new Grants(name, false, r.has("kinds") ? strings(r.get("kinds"), at + ".kinds") : Set.of(),
        bool(r, at, "run"), profiles, bool(r, at, "execOptions"), folders);
  }

  /** {@code {"name": "role"}}; chat users are {@code channel:id}. */
  private Map<String, String> assignments(JsonNode n, String at, boolean chatUsers) {
    Map<String, String> out = new LinkedHashMap<>();
    if (n.isMissingNode() || n.isNull()) return out;
    object(n, at, null);
    for (var e : n.properties()) {
      String who = e.getKey();
      if (chatUsers && (who.indexOf(':') <= 0 || who.endsWith(":"))) {
        throw error(at + "." + who, "must name a chat user as channel:id, e.g. telegram:12345");
      }
      out.put(who, roleName(e.getValue(), at + "." + who));
    }
    return out;
  }

  private String roleName(JsonNode n, String at) {
    if (n == null || !n.isTextual()) throw error(at, "must be a role name");
    if (!roles.containsKey(n.asText())) {
      throw error(at, "names the role '" + n.asText() + "', which is not defined; roles: "
          + String.join(", ", roles.keySet()));
    }
    return n.asText();
  }

  private void object(JsonNode n, String at, Set<String> allowed) {
    if (!n.isObject()) throw error(at, "must be an object");
    if (allowed == null) return;
    for (var e : n.properties()) {
      if (!allowed.contains(e.getKey())) {
        throw error(at + "." + e.getKey(), "is not a setting; known: " + String.join(", ", new TreeSet<>(allowed)));
      }
    }
  }

  private Set<String> strings(JsonNode n, String at) {
    if (!n.isArray()) throw error(at, "must be an array of strings");
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode s : n) {
      if (!s.isTextual() || s.asText().isBlank()) throw error(at, "must contain only non-empty strings");
      out.add(s.asText());
    }
    return out;
  }

  private boolean bool(JsonNode r, String at, String key) {
    JsonNode n = r.path(key);
    if (n.isMissingNode() || n.isNull()) return false;
    if (!n.isBoolean()) throw error(at + "." + key, "must be true or false");
    return n.asBoolean();
  }

  private IllegalArgumentException error(String setting, String problem) {
    return new IllegalArgumentException(source + ": " + setting + " " + problem);
  }
}
