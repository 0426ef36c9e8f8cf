package dev.tasklane.gateway.auth;

import dev.tasklane.chat.access.AccessPolicy;
import dev.tasklane.chat.access.Grants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bearer tokens the gateway accepts. Tokens are kept only as SHA-256 digests, so a lookup
 * compares digests rather than the secrets themselves. Names are unique: a token's name is how the
 * chat flow finds its grants again.
 *
 * <p>A tokens file has one token per line: {@code name secret prefix[,prefix...] [role]}, where the
 * prefix {@code *} covers every session and the role (docs/SECURITY.md) defaults to the access
 * policy's. Blank lines and lines starting with {@code #} are ignored.
 */
public final class TokenRegistry {
  private final Map<String, AccessToken> byDigest = new ConcurrentHashMap<>();
  private final Map<String, AccessToken> byName = new ConcurrentHashMap<>();

  /**
   * Adds a token; a second {@code add} of the same secret replaces the first.
   *
   * @throws IllegalArgumentException for an empty secret, or a name another secret already has
   */
  public synchronized TokenRegistry add(String secret, AccessToken token) {
    if (secret == null || secret.isBlank()) throw new IllegalArgumentException("empty token");
    String digest = digest(secret);
    AccessToken same = byName.get(token.name());
    AccessToken replaced = byDigest.get(digest);
    if (same != null && same != replaced) {
      throw new IllegalArgumentException("two tokens are named '" + token.name() + "'");
    }
    if (replaced != null) byName.remove(replaced.name());
    byDigest.put(digest, token);
    byName.put(token.name(), token);
    return this;
  }

  /** The grants of the token with this name (the sender of its web chat messages), if there is one. */
  public Optional<Grants> grantsOf(String name) {
    AccessToken t = name == null ? null : byName.get(name);
    return t == null ? Optional.empty() : Optional.of(t.grants());
  }

  /** The token for a presented secret, if it is one of ours. */
  public Optional<AccessToken> find(String secret) {
    if (secret == null || secret.isBlank()) return Optional.empty();
    return Optional.ofNullable(byDigest.get(digest(secret)));
  }

  public int size() {
    return byDigest.size();
  }

  /**
   * Reads a tokens file into this registry, each token with the grants {@code access} gives its
   * role; a malformed line is an error naming its number (never the secret).
   */
  public TokenRegistry load(Path file, AccessPolicy access) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] cols = line.split("\\s+");
      String at = file + " line " + (i + 1) + ": ";
      if (cols.length != 3 && cols.length != 4) {
        throw new IllegalArgumentException(at + "expected 'name secret prefix[,prefix...] [role]'");
      }
      List<String> prefixes = Arrays.stream(cols[2].split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
      try {
        add(cols[1], new AccessToken(cols[0], prefixes, access.token(cols[0], cols.length == 4 ? cols[3] : null)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + e.getMessage(), e);
      }
    }
    return this;
  }

  static String digest(String secret) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
