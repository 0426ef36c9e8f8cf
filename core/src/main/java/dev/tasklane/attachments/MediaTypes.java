package dev.tasklane.attachments;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The types an attachment may have, each recognised by its content: images and PDFs by their first
 * bytes, text types by being UTF-8 without NUL characters. A short allow-list checked by hand: a
 * detection library knows hundreds of types we would refuse anyway.
 */
public final class MediaTypes {
  public static final Set<String> IMAGES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");
  public static final Set<String> TEXT = Set.of("text/plain", "text/markdown", "text/csv", "application/json");
  public static final String PDF = "application/pdf";
  static final Set<String> KNOWN = Set.of("image/png", "image/jpeg", "image/gif", "image/webp", PDF, "text/plain",
      "text/markdown", "text/csv", "application/json");
  private static final int HEAD = 16;

  private MediaTypes() {}

  /**
   * The type of the file's content, given the type a client declared (null or
   * {@code application/octet-stream}: recognised from the content).
   *
   * @throws IllegalArgumentException when the type is not allowed or the content is not of it
   */
  static String check(String declared, Path file, Set<String> allowed) throws IOException {
    String type = declared == null ? "" : declared.split(";")[0].strip().toLowerCase(Locale.ROOT);
    byte[] head = head(file);
    Optional<String> binary = binaryType(head);
    if (type.isEmpty() || type.equals("application/octet-stream")) {
      type = binary.orElseGet(() -> isText(file) ? "text/plain" : "");
      if (type.isEmpty()) {
        throw new IllegalArgumentException("the file is of no type accepted here (" + list(allowed) + ")");
      }
    }
    if (!allowed.contains(type)) {
      throw new IllegalArgumentException(type + " is not accepted; accepted: " + list(allowed));
    }
    boolean matches = TEXT.contains(type) ? binary.isEmpty() && isText(file) : binary.filter(type::equals).isPresent();
    if (!matches) throw new IllegalArgumentException("the content is not " + type);
    return type;
  }

  private static Optional<String> binaryType(byte[] h) {
    if (starts(h, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) return Optional.of("image/png");
    if (starts(h, 0xFF, 0xD8, 0xFF)) return Optional.of("image/jpeg");
    if (starts(h, 'G', 'I', 'F', '8') && h.length > 5 && (h[4] == '7' || h[4] == '9') && h[5] == 'a') {
      return Optional.of("image/gif");
    }
    if (starts(h, 'R', 'I', 'F', 'F') && h.length >= 12 && new String(h, 8, 4, StandardCharsets.US_ASCII)
        .equals("WEBP")) {
      return Optional.of("image/webp");
    }
    if (starts(h, '%', 'P', 'D', 'F', '-')) return Optional.of(PDF);
    return Optional.empty();
  }

  /** UTF-8 throughout, with no NUL character. */
  private static boolean isText(Path file) {
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      byte[] all = Files.readAllBytes(file);
      for (byte b : all) if (b == 0) return false;
      utf8.decode(ByteBuffer.wrap(all));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] head(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(HEAD);
    }
  }

  private static boolean starts(byte[] h, int... magic) {
    if (h.length < magic.length) return false;
    for (int i = 0; i < magic.length; i++) if ((h[i] & 0xFF) != magic[i]) return false;
    return true;
  }

  private static String list(Set<String> allowed) {
    String[] sorted = allowed.toArray(String[]::new);
    Arrays.sort(sorted);
    return String.join(", ", sorted);
  }
}
