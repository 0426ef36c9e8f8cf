package dev.tasklane.app.client;

import dev.tasklane.app.AdminToken;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the server is and how to prove who we are: flags, then environment, then the data folder. */
public final class ClientOptions {
  @Option(names = "--url", defaultValue = "${env:TASKLANE_URL:-http://127.0.0.1:7070}",
      description = "Server URL (env TASKLANE_URL, default ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--token", defaultValue = "${env:TASKLANE_TOKEN}",
      description = "Bearer token (env TASKLANE_TOKEN; else read from <data>/token).")
  String token;

  @Option(names = "--data", defaultValue = "${env:TASKLANE_DATA:-data}",
      description = "Data folder of a local server, to read its admin token (default ${DEFAULT-VALUE}).")
  Path data;

  public ApiClient client() throws IOException {
    return new ApiClient(url, token());
  }

  public String url() {
    return url;
  }

  private String token() throws IOException {
    if (token != null && !token.isBlank()) return token.strip();
    String fromFile = AdminToken.read(data.resolve(AdminToken.FILE));
    if (fromFile != null) return fromFile;
    throw new IllegalArgumentException(
        "no token: pass --token, set TASKLANE_TOKEN, or point --data at the server's data folder");
  }
}
