package dev.tasklane.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.agents.profile.SessionFolders;
import dev.tasklane.gateway.api.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tasklane serve} as a real process holding real secrets: it listens on 127.0.0.1, refuses a
 * tokens file others can read, gives a scoped token no command, gives every command an environment
 * without the server's secrets in the session's folder, and never writes a secret to its log.
 */
@Tag("slow")
class SafeDefaultsTest {
  static final String ADMIN = "admin-token-0f9e8d7c";
  static final String ALICE = "alice-token-1a2b3c4d";
  static final String OPENAI = "sk-openai-5e6f7a8b";
  static final String TELEGRAM = "123456:telegram-9c0d1e2f";
  static final String AGENT_KEY = "agent-key-3a4b5c6d";
  static final List<String> SECRETS = List.of(ADMIN, ALICE, OPENAI, TELEGRAM, AGENT_KEY);

  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();

  private Path tokensFile(String mode) throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "alice " + ALICE + " web:alice\n");
    Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString(mode));
    return tokens;
  }

  private Map<String, String> secrets(Path tokens) {
    return Map.of("TASKLANE_TOKEN", ADMIN, "TASKLANE_TOKENS", tokens.toString(), "OPENAI_API_KEY", OPENAI,
        "TASKLANE_TELEGRAM_TOKEN", TELEGRAM, "AGENT_KEY", AGENT_KEY);
  }

  @Test
  void commandsGetNoSecretsAScopedTokenRunsNothingAndTheLogHoldsNoSecret() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("tasklane.json"), """
        {"agents": {"profiles": {"dump": {"command": ["sh", "-c", "env; pwd"], "passEnv": ["AGENT_KEY"]},
                                 "assistant": {"kind": "llm", "model": "m", "baseUrl": "http://127.0.0.1:9/v1"}}}}""");
    Path tokens = tokensFile("rw-------");
    String log;
    try (ServerProcess s = ServerProcess.start(data, secrets(tokens))) {
      assertThat(s.url).startsWith("http://127.0.0.1:");
      assertNotReachableFromTheNetwork(URI.create(s.url).getPort());

      // Wrong tokens, as a client guessing would send them.
      assertThat(get(s, "/v1/tasks", ADMIN + "x").statusCode()).isEqualTo(401);
      assertThat(get(s, "/v1/tasks?token=" + ALICE + "x", null).statusCode()).isEqualTo(401);
      assertThatThrownBy(() -> new ChatSocket(http, s.url, "not-" + ADMIN)).isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(WebSocketHandshakeException.class);

      // A scoped token runs no command: not directly, not through /run.
      HttpResponse<String> exec = post(s, ALICE, "{\"sessionKey\": \"web:alice\", \"kind\": \"exec\","
          + " \"input\": {\"shell\": \"echo $TASKLANE_TOKEN; cat $TASKLANE_TOKENS\"}}");
      assertThat(exec.statusCode()).isEqualTo(403);
      assertThat(Json.parse(exec.body()).get("code").asText()).isEqualTo("forbidden");
      ChatSocket alice = new ChatSocket(http, s.url, ALICE);
      JsonNode run = alice.request("chat.send", chat("/run cat " + tokens));
      assertThat(run.at("/taskId").isNull()).isTrue();
      assertThat(run.at("/answer/text").asText()).contains("(forbidden)");

      // Its free text goes to the agent profile, whose command gets what the profile passes on.
      String profileTask = alice.request("chat.send", chat("hello")).at("/taskId").asText();
      String profileOutput = output(s, profileTask);
      assertThat(profileOutput).contains("AGENT_KEY=" + AGENT_KEY).contains("HOME=");
      assertNoServerSecret(profileOutput.replace(AGENT_KEY, ""), tokens);
      assertThat(profileOutput.strip()).endsWith(sessionFolder(data, "web:alice"));
      alice.close();

      // The admin's /run and its direct exec tasks get the safe base only, in the session's folder.
      ChatSocket admin = new ChatSocket(http, s.url, ADMIN);
      String runTask = admin.request("chat.send", chat("/run env; pwd")).at("/taskId").asText();
      String runOutput = output(s, runTask);
      assertThat(runOutput).contains("PATH=");
      assertNoServerSecret(runOutput, tokens);
      assertThat(runOutput.strip()).endsWith(sessionFolder(data, "web:admin"));
      admin.close();
      HttpResponse<String> direct = post(s, ADMIN, "{\"sessionKey\": \"web:ops\", \"kind\": \"exec\","
          + " \"input\": {\"command\": [\"env\"]}}");
      assertNoServerSecret(output(s, Json.parse(direct.body()).get("id").asText()), tokens);

      assertThat(s.terminate(30)).isEqualTo(143);
      log = s.output();
    }
    assertThat(log).contains("listening on").contains("Tasklane stopped.");
    for (String secret : SECRETS) assertThat(log).as("the log").doesNotContain(secret);
  }

  @Test
  void aTokensFileOthersCanReadStopsTheStartWithTheChmodToRun() throws Exception {
    Path tokens = tokensFile("rw-r--r--");
    String out = startFailing(dir.resolve("data"), "--tokens", tokens.toString());
    assertThat(out).contains("the tokens file " + tokens + " can be read or changed by other users (mode rw-r--r--);"
        + " make it yours alone: chmod 600 " + tokens);
    assertThat(out).doesNotContain(ALICE);
  }

  @Test
  void configurationErrorsNameTheProblemButNoSecret() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "alice " + ALICE + " web:alice root\n");
    Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
    String out = startFailing(data, "--tokens", tokens.toString());
    assertThat(out).contains(tokens + " line 1: token 'alice' has the role 'root', which is not defined");

    Files.writeString(tokens, "alice " + ALICE + " web:alice user\n");
    Files.writeString(data.resolve("tasklane.json"), "{\"agents\": {\"profiles\": {\"a\": {\"kind\": \"llm\","
        + " \"model\": \"m\", \"apiKey\": \"" + OPENAI + "\", \"maxRounds\": 0}}}}");
    out = startFailing(data);
    assertThat(out).contains("agents.profiles.a.maxRounds must be a whole number");
    for (String secret : SECRETS) assertThat(out).doesNotContain(secret);
  }

  private String startFailing(Path data, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "serve", "--port", "0", "--data", data.toString()));
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile(dir, "serve", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("TASKLANE_TOKEN");
    pb.environment().putAll(secrets(dir.resolve("tokens")));
    Process p = pb.start();
    boolean exited = p.waitFor(60, TimeUnit.SECONDS);
    if (!exited) p.destroyForcibly().waitFor();
    String out = Files.readString(log);
    assertThat(exited).as("serve should refuse to start, but: %s", out).isTrue();
    assertThat(p.exitValue()).as(out).isNotZero();
    return out;
  }

  /** Connecting to the port on any of this machine's other addresses is refused: only loopback listens. */
  private static void assertNotReachableFromTheNetwork(int port) throws Exception {
    for (NetworkInterface nic : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress address : java.util.Collections.list(nic.getInetAddresses())) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress()) continue;
        try (Socket socket = new Socket()) {
          assertThatThrownBy(() -> socket.connect(new InetSocketAddress(address, port), 2000))
              .as("port %d on %s", port, address).isInstanceOf(java.io.IOException.class);
        }
      }
    }
  }

  private static void assertNoServerSecret(String output, Path tokens) {
    for (String secret : SECRETS) assertThat(output).doesNotContain(secret);
    assertThat(output).doesNotContain("TASKLANE_", tokens.toString());
  }

  private static String sessionFolder(Path data, String session) throws Exception {
    return new SessionFolders(data).folder(session).toRealPath().toString();
  }

  private static ObjectNode chat(String text) {
    return Json.object().put("text", text);
  }

  private String output(ServerProcess s, String taskId) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    JsonNode t;
    while (true) {
      t = Json.parse(get(s, "/v1/tasks/" + taskId, ADMIN).body());
      if (t.get("state").asText().equals("completed")) return t.at("/result/output").asText();
      assertThat(t.get("state").asText()).as("%s", t).isIn("queued", "running");
      assertThat(System.currentTimeMillis()).as("task %s never completed", taskId).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private HttpResponse<String> get(ServerProcess s, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url + path));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(ServerProcess s, String token, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(s.url + "/v1/tasks")).header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
