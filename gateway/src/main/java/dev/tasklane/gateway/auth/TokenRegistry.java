package dev.tasklane.gateway.auth;

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
 * compares digests rather than the secrets themselves.
 *
 * <p>A tokens file has one token per line: {@code name secret prefix[,prefix...]}, where the prefix
 * {@code *} makes an admin token. Blank lines and lines starting with {@code #} are ignored.
 */
public final class TokenRegistry {
  private final Map<String, AccessToken> byDigest = new ConcurrentHashMap<>();

  /** Adds a token; a second {@code add} of the same secret replaces the first. */
  public TokenRegistry add(String secret, AccessToken token) {
    if (secret == null || secret.isBlank()) throw new IllegalArgumentException("empty token");
    byDigest.put(digest(secret), token);
    return this;
  }

  /** The token for a presented secret, if it is one of ours. */
  public Optional<AccessToken> find(String secret) {
    if (secret == null || secret.isBlank()) return Optional.empty();
    return Optional.ofNullable(byDigest.get(digest(secret)));
  }

  public int size() {
    return byDigest.size();
  }

  /** Reads a tokens file into this registry; a malformed line is an error naming its number. */
  public TokenRegistry load(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] cols = line.split("\\s+");
      if (cols.length != 3) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected 'name secret prefix[,prefix...]'");
      }
      List<String> prefixes = Arrays.stream(cols[2].split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
      add(cols[1], prefixes.contains("*") ? AccessToken.admin(cols[0]) : AccessToken.scoped(cols[0], prefixes));
    }
    return this;
  }

  private static String digest(String secret) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
