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

  @Test
  void sigtermLetsRunningTasksFinishWithinTheGraceAndKeepsTheRestForTheNextStart() throws Exception {
    Path data = dir.resolve("data4");
    String quick;
    String slow;
    try (ServerProcess s = ServerProcess.start(data, Map.of("TASKLANE_TOKEN", "t"), "--shutdown-grace", "3s")) {
      quick = submit(s, "web:quick", "sleep 1; echo finished");
      slow = submit(s, "web:slow", "sleep 60");
      awaitState(s, quick, "running");
      awaitState(s, slow, "running");
      assertThat(s.terminate(30)).isEqualTo(143);
    }
    try (ServerProcess s = ServerProcess.start(data, Map.of("TASKLANE_TOKEN", "t"))) {
      var q = dev.tasklane.gateway.api.Json.parse(get(s.url + "/v1/tasks/" + quick, "t").body());
      assertThat(q.get("state").asText()).isEqualTo("completed");
      assertThat(q.at("/result/output").asText()).contains("finished");
      var w = dev.tasklane.gateway.api.Json.parse(get(s.url + "/v1/tasks/" + slow, "t").body());
      assertThat(w.get("state").asText()).isIn("queued", "running");
      assertThat(w.get("error").isNull() || w.at("/error/retryable").asBoolean()).as("%s", w).isTrue();
      post(s.url + "/v1/tasks/" + slow + "/cancel", "t", "");
    }
  }

  String submit(ServerProcess s, String session, String shell) throws Exception {
    var body = dev.tasklane.gateway.api.Json.object().put("sessionKey", session).put("kind", "exec");
    body.putObject("input").put("shell", shell);
    var r = post(s.url + "/v1/tasks", "t", dev.tasklane.gateway.api.Json.write(body));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return dev.tasklane.gateway.api.Json.parse(r.body()).get("id").asText();
  }

  HttpResponse<String> post(String url, String token, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  void awaitState(ServerProcess s, String id, String state) throws Exception {
    long deadline = System.currentTimeMillis() + 15_000;
    while (!get(s.url + "/v1/tasks/" + id, "t").body().contains("\"state\":\"" + state + "\"")) {
      assertThat(System.currentTimeMillis()).as("%s never %s", id, state).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void theWebChatRunsACommandThroughTheExecHandler() throws Exception {
    try (ServerProcess s = ServerProcess.start(dir.resolve("data5"), Map.of("TASKLANE_TOKEN", "t"))) {
      var frames = new java.util.concurrent.LinkedBlockingQueue<String>();
      var socket = http.newWebSocketBuilder().header("Authorization", "Bearer t")
          .buildAsync(URI.create(s.url.replace("http:", "ws:") + "/ws"), new java.net.http.WebSocket.Listener() {
            final StringBuilder part = new StringBuilder();

            @Override
            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data,
                boolean last) {
              part.append(data);
              if (last) {
                frames.add(part.toString());
                part.setLength(0);
              }
              ws.request(1);
              return null;
            }
          }).join();
      socket.sendText("{\"id\":\"1\",\"method\":\"chat.send\",\"params\":{\"chatId\":\"me\","
          + "\"text\":\"/run echo from-the-web-chat\"}}", true).join();
      String reply = frames.poll(20, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(reply).contains("\"ok\":true", "\"sessionKey\":\"web:me\"");
      var taskId = dev.tasklane.gateway.api.Json.parse(reply).at("/result/taskId").asText();
      awaitState(s, taskId, "completed");
      var task = dev.tasklane.gateway.api.Json.parse(get(s.url + "/v1/tasks/" + taskId, "t").body());
      assertThat(task.get("kind").asText()).isEqualTo("exec");
      assertThat(task.at("/result/output").asText()).contains("from-the-web-chat");
      socket.abort();
    }
  }

  @Test
  void freeTextGoesToTheConfiguredAgentAndABadConfigStopsTheStart() throws Exception {
    Path data = dir.resolve("data6");
    Files.createDirectories(data);
    Files.writeString(data.resolve("tasklane.json"),
        "{\"agents\": {\"profiles\": {\"echoer\": {\"command\": [\"echo\", \"agent heard: {message}\"]}}}}");
    try (ServerProcess s = ServerProcess.start(data, Map.of("TASKLANE_TOKEN", "t"))) {
      var frames = new java.util.concurrent.LinkedBlockingQueue<String>();
      var socket = http.newWebSocketBuilder()
          .buildAsync(URI.create(s.url.replace("http:", "ws:") + "/ws?token=t"), new java.net.http.WebSocket.Listener() {
            @Override
            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data,
                boolean last) {
              frames.add(data.toString());
              ws.request(1);
              return null;
            }
          }).join();
      socket.sendText("{\"id\":\"1\",\"method\":\"chat.send\",\"params\":{\"text\":\"hello agent\"}}", true).join();
      String reply = frames.poll(20, java.util.concurrent.TimeUnit.SECONDS);
      String taskId = dev.tasklane.gateway.api.Json.parse(reply).at("/result/taskId").asText();
      awaitState(s, taskId, "completed");
      assertThat(get(s.url + "/v1/tasks/" + taskId, "t").body()).contains("agent heard: hello agent");
      socket.abort();
    }
    Files.writeString(data.resolve("tasklane.json"), "{\"agents\": {\"default\": \"missing\", \"profiles\": {}}}");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "serve", "--port", "0", "--data", data.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).isNotZero();
    assertThat(out).contains("configuration:");
  }
}
