package dev.tasklane.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tasklane serve} as a real child process: health, tokens, graceful stop on SIGTERM. */
@Tag("slow")
class ServeCommandTest {
  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();

  HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesHealthKeepsAGeneratedTokenPrivateAndStopsOnSigterm() throws Exception {
    Path data = dir.resolve("data");
    try (ServerProcess s = ServerProcess.start(data, Map.of())) {
      HttpResponse<String> health = get(s.url + "/healthz", null);
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"ok\":true");

      Path tokenFile = data.resolve("token");
      String token = Files.readString(tokenFile).strip();
      assertThat(Files.getPosixFilePermissions(tokenFile))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      assertThat(s.output()).contains(s.url + "/#token=" + token);
      assertThat(Files.exists(data.resolve("tasklane.db"))).isTrue();

      assertThat(get(s.url + "/v1/tasks", token).statusCode()).isEqualTo(200);
      assertThat(get(s.url + "/v1/tasks", "wrong").statusCode()).isEqualTo(401);
      assertThat(get(s.url + "/", null).body()).contains("Tasklane");

      assertThat(s.terminate(30)).isEqualTo(143); // 128 + SIGTERM, after the shutdown hook ran
      Thread.sleep(100);
      assertThat(s.output()).contains("Stopping", "Tasklane stopped.");
    }
    // A second start keeps the same token.
    String before = Files.readString(data.resolve("token"));
    try (ServerProcess s = ServerProcess.start(data, Map.of())) {
      assertThat(Files.readString(data.resolve("token"))).isEqualTo(before);
      assertThat(s.output()).contains("read from");
    }
  }

  @Test
  void tokenFromTheEnvironmentAndScopedTokensFromAFile() throws Exception {
    Path data = dir.resolve("data2");
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "# name secret prefixes\nalice alice-secret web:alice\n");
    try (ServerProcess s = ServerProcess.start(data, Map.of("TASKLANE_TOKEN", "env-admin"), "--tokens",
        tokens.toString())) {
      assertThat(Files.exists(data.resolve("token"))).isFalse();
      assertThat(s.output()).doesNotContain("env-admin");
      assertThat(get(s.url + "/v1/tasks", "env-admin").statusCode()).isEqualTo(200);
      assertThat(get(s.url + "/v1/tasks?sessionKey=web:alice", "alice-secret").statusCode()).isEqualTo(200);
      assertThat(get(s.url + "/v1/tasks?sessionKey=web:bob", "alice-secret").statusCode()).isEqualTo(403);
      assertThat(s.terminate(30)).isEqualTo(143); // 128 + SIGTERM, after the shutdown hook ran
    }
  }

  @Test
  void portFlagAndEnvironmentAreHonoured() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (ServerProcess s = ServerProcess.start(dir.resolve("d3"), Map.of("TASKLANE_PORT", "1"), "--port",
        Integer.toString(port))) {
      assertThat(s.url).isEqualTo("http://127.0.0.1:" + port);
      assertThat(get(s.url + "/healthz", null).statusCode()).isEqualTo(200);
    }
  }
}
