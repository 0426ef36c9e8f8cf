package dev.tasklane.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a multipart/form-data body (as TelegramBots sends {@code sendDocument}) into its parts. */
final class Multipart {
  private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
  private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");
  private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"");

  /** One part: its content as text, and the file name if it is a file. */
  record Part(String text, String fileName) {}

  private Multipart() {}

  /** Form fields as parameters; a field {@code attach://<name>} becomes the file uploaded as part {@code <name>}. */
  static JsonNode params(String type, byte[] body) throws IOException {
    ObjectNode params = FakeChats.JSON.createObjectNode();
    Map<String, Part> parts = parse(type, body);
    for (var e : parts.entrySet()) {
      String v = e.getValue().text();
      if (e.getValue().fileName() != null) continue;
      Part file = v.startsWith("attach://") ? parts.get(v.substring("attach://".length())) : null;
      if (file != null) {
        params.putObject(e.getKey()).put("file_name", file.fileName()).put("content", file.text());
      } else if (v.startsWith("{") || v.startsWith("[")) {
        params.set(e.getKey(), FakeChats.JSON.readTree(v));
      } else {
        params.put(e.getKey(), v);
      }
    }
    return params;
  }

  static Map<String, Part> parse(String contentType, byte[] body) {
    Matcher b = BOUNDARY.matcher(contentType);
    if (!b.find()) throw new IllegalArgumentException("no boundary in " + contentType);
    // ISO-8859-1 maps bytes one to one, so cutting the string cuts the bytes
    String all = new String(body, StandardCharsets.ISO_8859_1);
    String delimiter = "--" + b.group(1);
    Map<String, Part> parts = new LinkedHashMap<>();
    for (String chunk : all.split(Pattern.quote(delimiter))) {
      if (chunk.startsWith("--") || chunk.isBlank()) continue;
      int headersEnd = chunk.indexOf("\r\n\r\n");
      if (headersEnd < 0) continue;
      String headers = chunk.substring(0, headersEnd);
      String content = chunk.substring(headersEnd + 4);
      if (content.endsWith("\r\n")) content = content.substring(0, content.length() - 2);
      Matcher n = NAME.matcher(headers);
      if (!n.find()) continue;
      Matcher f = FILENAME.matcher(headers);
      String text = new String(content.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
      parts.put(n.group(1), new Part(text, f.find() ? f.group(1) : null));
    }
    return parts;
  }
}
