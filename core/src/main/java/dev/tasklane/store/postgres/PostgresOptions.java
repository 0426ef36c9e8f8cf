package dev.tasklane.store.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the PostgreSQL database is, and how Tasklane uses it.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port/db}, with any connection parameters
 * @param user null to take it from the URL's parameters or the driver's defaults
 * @param password null likewise
 * @param readers connections for reads (default 4)
 * @param maxBatch most units of work committed in one transaction (default 512)
 * @param writers transactions this process commits side by side, each on a connection of its own
 *     (default {@link #DEFAULT_WRITERS}; URL parameter {@code writers})
 */
public record PostgresOptions(String jdbcUrl, String user, String password, int readers, int maxBatch, int writers) {
  /** Most writer connections a process may ask for. */
  public static final int MAX_WRITERS = 32;
  public static final int DEFAULT_WRITERS = 1;

  public PostgresOptions {
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) throw new IllegalArgumentException("not a PostgreSQL JDBC URL");
    if (readers < 1) throw new IllegalArgumentException("readers must be at least 1");
    if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be at least 1");
    if (writers < 1 || writers > MAX_WRITERS) {
      throw new IllegalArgumentException("writers must be between 1 and " + MAX_WRITERS + ": " + writers);
    }
  }

  public PostgresOptions(String jdbcUrl, String user, String password, int readers, int maxBatch) {
    this(jdbcUrl, user, password, readers, maxBatch, DEFAULT_WRITERS);
  }

  /**
   * Reads {@code postgresql://user:password@host:5432/db?param=value} (also {@code postgres://},
   * or a {@code jdbc:postgresql://} URL as is). User and password are URL-encoded in the URL. The
   * parameter {@code writers=N} is Tasklane's ({@link #writers}); the others go to the driver.
   */
  public static PostgresOptions fromUrl(String url) {
    int writers = DEFAULT_WRITERS;
    int q = url.indexOf('?');
    if (q >= 0) {
      List<String> kept = new ArrayList<>();
      for (String param : url.substring(q + 1).split("&")) {
        if (param.startsWith("writers=")) writers = writers(param.substring("writers=".length()));
        else if (!param.isEmpty()) kept.add(param);
      }
      url = url.substring(0, q) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    }
    return fromUrl(url, writers);
  }

  private static int writers(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("writers must be a number between 1 and " + MAX_WRITERS + ": " + value, e);
    }
  }

  private static PostgresOptions fromUrl(String url, int writers) {
    if (url.startsWith("jdbc:postgresql:")) return new PostgresOptions(url, null, null, 4, 512, writers);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a database URL: " + e.getMessage(), e);
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException("a PostgreSQL URL starts with postgresql://");
    }
    if (uri.getHost() == null) throw new IllegalArgumentException("the PostgreSQL URL names no host");
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      if (parts.length > 1) password = decode(parts[1]);
    }
    String jdbc = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "/" : uri.getRawPath()) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return new PostgresOptions(jdbc, user, password, 4, 512, writers);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** The URL without its password, for logs and messages. */
  @Override
  public String toString() {
    return jdbcUrl + (user == null ? "" : " as " + user);
  }
}
