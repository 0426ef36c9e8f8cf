package dev.tasklane.store.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the PostgreSQL database is, and how Tasklane uses it.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port/db}, with any connection parameters
 * @param user null to take it from the URL's parameters or the driver's defaults
 * @param password null likewise
 * @param readers connections for reads (default 4); two more serve the writer and its notifier
 * @param maxBatch most units of work committed in one transaction (default 512)
 */
public record PostgresOptions(String jdbcUrl, String user, String password, int readers, int maxBatch) {
  public PostgresOptions {
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) throw new IllegalArgumentException("not a PostgreSQL JDBC URL");
    if (readers < 1) throw new IllegalArgumentException("readers must be at least 1");
    if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be at least 1");
  }

  /**
   * Reads {@code postgresql://user:password@host:5432/db?param=value} (also {@code postgres://},
   * or a {@code jdbc:postgresql://} URL as is). User and password are URL-encoded in the URL.
   */
  public static PostgresOptions fromUrl(String url) {
    if (url.startsWith("jdbc:postgresql:")) return new PostgresOptions(url, null, null, 4, 512);
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
    return new PostgresOptions(jdbc, user, password, 4, 512);
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
