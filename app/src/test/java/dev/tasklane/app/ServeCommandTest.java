package dev.tasklane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.gateway.api.Json;
import dev.tasklane.store.postgres.EmbeddedPostgresServer;
import dev.tasklane.store.postgres.PostgresOptions;
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

/** {@code tasklane serve} as a real child process: health, tokens, flags, agents, web chat, SIGTERM. */
@Tag("slow")
class ServeCommandTest {
  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();

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
      assertThat(Files.getPosixFilePermissions(data)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
          PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
      assertThat(s.output()).contains(s.url + "/#token=" + token);
      assertThat(Files.exists(data.resolve("tasklane.db"))).isTrue();

      assertThat(get(s.url + "/v1/tasks", token).statusCode()).isEqualTo(200);
      assertThat(get(s.url + "/v1/tasks", "wrong").statusCode()).isEqualTo(401);
      assertThat(get(s.url + "/", null).body()).contains("Tasklane");

      assertThat(s.terminate(30)).isEqualTo(143); // 128 + SIGTERM, after the shutdown hook ran
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
  void flagsEnvironmentScopedTokensAgentsAndTheWebChat() throws Exception {
    Path data = dir.resolve("data2");
    Files.createDirectories(data);
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "# name secret prefixes\nalice alice-secret web:alice\n");
    Files.setPosixFilePermissions(tokens, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Files.writeString(data.resolve("tasklane.json"),
        "{\"agents\": {\"profiles\": {\"echoer\": {\"command\": [\"echo\", \"agent heard: {message}\"]}}}}");
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (ServerProcess s = ServerProcess.start(data, Map.of("TASKLANE_TOKEN", "env-admin", "TASKLANE_PORT", "1"),
        "--port", Integer.toString(port), "--tokens", tokens.toString(), "--max-request-bytes", "1024")) {
      assertThat(s.url).isEqualTo("http://127.0.0.1:" + port); // the flag wins over the environment
      assertThat(Files.exists(data.resolve("token"))).isFalse();
      assertThat(s.output()).doesNotContain("env-admin");
      assertThat(get(s.url + "/v1/tasks", "env-admin").statusCode()).isEqualTo(200);
      assertThat(get(s.url + "/v1/tasks?sessionKey=web:alice", "alice-secret").statusCode()).isEqualTo(200);
      assertThat(get(s.url + "/v1/tasks?sessionKey=web:bob", "alice-secret").statusCode()).isEqualTo(403);
      String big = "{\"sessionKey\":\"web:x\",\"kind\":\"exec\",\"input\":{\"shell\":\"" + "x".repeat(1024) + "\"}}";
      assertThat(post(s.url + "/v1/tasks", "env-admin", big).statusCode()).isEqualTo(413);

      ChatSocket ws = new ChatSocket(http, s.url, "env-admin");
      // /run goes to the exec handler; free text to the configured agent profile.
      String run = ws.request("chat.send", Json.object().put("chatId", "me").put("text", "/run echo from-the-web-chat"))
          .get("taskId").asText();
      String free = ws.request("chat.send", Json.object().put("chatId", "other").put("text", "hello agent"))
          .get("taskId").asText();
      awaitState(s, run, "completed", "env-admin");
      awaitState(s, free, "completed", "env-admin");
      JsonNode runTask = Json.parse(get(s.url + "/v1/tasks/" + run, "env-admin").body());
      assertThat(runTask.get("kind").asText()).isEqualTo("exec");
      assertThat(runTask.at("/result/output").asText()).contains("from-the-web-chat");
      assertThat(get(s.url + "/v1/tasks/" + free, "env-admin").body()).contains("agent heard: hello agent");
      ws.close();
    }
  }

  @Test
  void theWholeProductRunsOnPostgresqlNamedByTheDatabaseUrl() throws Exception {
    Path data = dir.resolve("data-pg");
    Files.createDirectories(data);
    Files.writeString(data.resolve("tasklane.json"),
        "{\"agents\": {\"profiles\": {\"echoer\": {\"command\": [\"echo\", \"agent heard: {message}\"]}}}}");
    EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
    PostgresOptions schema = pg.freshSchema();
    Map<String, String> env = Map.of("TASKLANE_TOKEN", "t", "TASKLANE_DATABASE_URL", pg.url(schema));
    String run;
    try (ServerProcess s = ServerProcess.start(data, env)) {
      assertThat(s.output()).contains("Database: PostgreSQL jdbc:postgresql://localhost:");
      ChatSocket ws = new ChatSocket(http, s.url, "t");
      run = ws.request("chat.send", Json.object().put("chatId", "me").put("text", "/run echo from-postgres"))
          .get("taskId").asText();
      String free = ws.request("chat.send", Json.object().put("chatId", "other").put("text", "hello agent"))
          .get("taskId").asText();
      awaitState(s, run, "completed", "t");
      awaitState(s, free, "completed", "t");
      assertThat(get(s.url + "/v1/tasks/" + free, "t").body()).contains("agent heard: hello agent");
      ws.close();
      assertThat(s.terminate(30)).isEqualTo(143);
    }
    assertThat(Files.exists(data.resolve("tasklane.db"))).isFalse();
    try (var c = java.sql.DriverManager.getConnection(schema.jdbcUrl());
        var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM chat_messages")) {
      rs.next();
      assertThat(rs.getLong(1)).as("the chat's transcript, in PostgreSQL").isGreaterThanOrEqualTo(4);
    }
    try (ServerProcess s = ServerProcess.start(data, env)) {
      assertThat(get(s.url + "/v1/tasks/" + run, "t").body()).contains("from-postgres");
    }
  }

  @Test
  void aBadAgentConfigurationStopsTheStartWithAClearMessage() throws Exception {
    Path data = dir.resolve("data3");
    Files.createDirectories(data);
    Files.writeString(data.resolve("tasklane.json"), "{\"agents\": {\"default\": \"missing\", \"profiles\": {}}}");
    assertThat(serveFails(data)).contains("configuration:");
    // Not JSON at all: where, and what to do, not the parser's internals.
    Files.writeString(data.resolve("tasklane.json"), "{\"agents\": {\"profiles\": {},}}");
    assertThat(serveFails(data))
        .contains("tasklane: configuration: " + data.resolve("tasklane.json") + " is not valid JSON at line 1")
        .doesNotContain("com.fasterxml", "Exception", "[Source");
  }

  /** Runs {@code serve} on {@code data} as a child process that must fail to start; returns what it printed. */
  private static String serveFails(Path data) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "serve", "--port", "0", "--data", data.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isNotZero();
    return out;
  }

  @Test
  void aPortInUseIsSaidPlainlyWithWhatToDo() throws Exception {
    try (var taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      var err = new java.io.StringWriter();
      var cmd = Main.commandLine();
      cmd.setErr(new java.io.PrintWriter(err));
      cmd.setOut(new java.io.PrintWriter(new java.io.StringWriter()));
      int code = cmd.execute("serve", "--port", Integer.toString(taken.getLocalPort()), "--data",
          dir.resolve("data5").toString());
      assertThat(code).isEqualTo(2);
      assertThat(err.toString()).startsWith("tasklane: cannot listen on 127.0.0.1:" + taken.getLocalPort()
          + ": the port is already in use. Stop the program that uses it").contains("--port", "TASKLANE_PORT")
          .doesNotContain("Javalin", "Exception", "io.");
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
      awaitState(s, quick, "running", "t");
      awaitState(s, slow, "running", "t");
      assertThat(s.terminate(30)).isEqualTo(143);
    }
    try (ServerProcess s = ServerProcess.start(data, Map.of("TASKLANE_TOKEN", "t"))) {
      JsonNode q = Json.parse(get(s.url + "/v1/tasks/" + quick, "t").body());
      assertThat(q.get("state").asText()).isEqualTo("completed");
      assertThat(q.at("/result/output").asText()).contains("finished");
      JsonNode w = Json.parse(get(s.url + "/v1/tasks/" + slow, "t").body());
      assertThat(w.get("state").asText()).isIn("queued", "running");
      assertThat(w.get("error").isNull() || w.at("/error/retryable").asBoolean()).as("%s", w).isTrue();
      post(s.url + "/v1/tasks/" + slow + "/cancel", "t", "");
    }
  }

  HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String url, String token, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  String submit(ServerProcess s, String session, String shell) throws Exception {
    var body = Json.object().put("sessionKey", session).put("kind", "exec");
    body.putObject("input").put("shell", shell);
    var r = post(s.url + "/v1/tasks", "t", Json.write(body));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return Json.parse(r.body()).get("id").asText();
  }

  void awaitState(ServerProcess s, String id, String state, String token) throws Exception {
    long deadline = System.currentTimeMillis() + 15_000;
    while (!get(s.url + "/v1/tasks/" + id, token).body().contains("\"state\":\"" + state + "\"")) {
      assertThat(System.currentTimeMillis()).as("%s never %s", id, state).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
