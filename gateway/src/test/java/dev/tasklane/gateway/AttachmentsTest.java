package dev.tasklane.gateway;

import static dev.tasklane.gateway.HttpApiTest.assertError;
import static dev.tasklane.gateway.TestGateway.ADMIN;
import static dev.tasklane.gateway.TestGateway.ALICE;
import static dev.tasklane.gateway.TestGateway.BOB;
import static dev.tasklane.gateway.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.chat.ChatConfig;
import dev.tasklane.gateway.api.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files uploaded over HTTP or sent inline, with tasks and chat messages, as clients and handlers see them. */
class AttachmentsTest {
  static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  @TempDir Path dir;
  TestGateway gw;
  WsClient ws;

  @BeforeEach
  void start() {
    gw = TestGateway.withChat(dir, GatewayConfig.defaults().withPort(0).withRateLimit(0, 1),
        ChatConfig.defaults().toBuilder().yieldWindow(Duration.ofSeconds(5)).build());
    ws = gw.ws(ADMIN);
  }

  @AfterEach
  void stop() {
    ws.close();
    gw.close();
  }

  HttpResponse<String> upload(String token, String session, String name, String type, byte[] body) throws Exception {
    HttpRequest.Builder b = gw.request("/v1/attachments?sessionKey=" + session + "&name=" + name, token)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (type != null) b.header("Content-Type", type);
    return gw.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  String uploaded(String token, String session, String name, String type, byte[] body) throws Exception {
    HttpResponse<String> r = upload(token, session, name, type, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r).get("id").asText();
  }

  @Test
  void aTaskGetsItsUploadedAndInlineFilesAndWhoMaySeeItMayDownloadThem() throws Exception {
    HttpResponse<String> up = upload(ALICE, "web:alice", "notes.txt", "text/plain", "first file".getBytes());
    assertThat(up.statusCode()).isEqualTo(201);
    JsonNode file = json(up);
    assertThat(file.get("name").asText()).isEqualTo("notes.txt");
    assertThat(file.get("size").asLong()).isEqualTo(10);

    ObjectNode params = Json.object().put("sessionKey", "web:alice").put("kind", "files");
    params.putArray("attachments").add(file.get("id").asText()).addObject().put("name", "../notes.txt")
        .put("mediaType", "text/plain").put("data", Base64.getEncoder().encodeToString("second".getBytes()));
    try (WsClient alice = gw.ws(ALICE)) {
      JsonNode created = alice.result("task.create", params);
      assertThat(created.at("/input/attachments/1/name").asText()).isEqualTo("notes-2.txt");
      JsonNode done = alice.awaitTerminal(created.get("taskId").asText());
      assertThat(done.at("/result/files/0/text").asText()).isEqualTo("first file");
      assertThat(done.at("/result/files/1/text").asText()).isEqualTo("second");
      assertThat(done.at("/result/files/1/name").asText()).isEqualTo("notes-2.txt");
    }

    HttpResponse<byte[]> down = gw.http.send(gw.request("/v1/attachments/" + file.get("id").asText(), ALICE).GET()
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(down.statusCode()).isEqualTo(200);
    assertThat(new String(down.body(), StandardCharsets.UTF_8)).isEqualTo("first file");
    assertThat(down.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    assertThat(down.headers().firstValue("Content-Disposition")).contains("attachment; filename*=UTF-8''notes.txt");
    assertThat(down.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertError(gw.get("/v1/attachments/" + file.get("id").asText(), BOB), 404, "not_found");
    assertThat(gw.get("/v1/attachments/" + file.get("id").asText(), ADMIN).statusCode()).isEqualTo(200);
  }

  @Test
  void anotherSessionsFileWrongTypesAndOversizedFilesAreRefused() throws Exception {
    String bobs = uploaded(BOB, "web:bob", "b.txt", "text/plain", "bob".getBytes());
    assertError(upload(ALICE, "web:bob", "x.txt", "text/plain", "x".getBytes()), 403, "forbidden");
    assertError(upload(ALICE, "web:alice", "x.png", "image/png", "not a png".getBytes()), 400, "bad_request");
    assertError(upload(ALICE, "web:alice", "x.exe", "application/x-msdownload", "MZ".getBytes()), 400,
        "bad_request");
    assertError(upload(ALICE, "web:alice", "big.txt", "text/plain", new byte[64 * 1024 + 1]), 413, "too_large");
    assertThat(upload(ALICE, "web:alice", "edge.txt", "text/plain", new byte[64 * 1024]).statusCode())
        .as("NUL bytes are no text").isEqualTo(400);
    assertThat(upload(ALICE, "web:alice", "edge.txt", "text/plain", "x".repeat(64 * 1024).getBytes()).statusCode())
        .isEqualTo(201);
    assertThat(json(upload(ALICE, "web:alice", "shot", null, PNG)).get("mediaType").asText()).isEqualTo("image/png");

    ObjectNode stealing = Json.object().put("sessionKey", "web:alice").put("kind", "files");
    stealing.putArray("attachments").add(bobs);
    assertError(gw.post("/v1/tasks", ALICE, Json.write(stealing)), 404, "not_found");
    ObjectNode notAnObject = Json.object().put("sessionKey", "web:alice").put("kind", "files").put("input", "text");
    notAnObject.putArray("attachments").add(uploaded(ALICE, "web:alice", "a.txt", "text/plain", "a".getBytes()));
    assertError(gw.post("/v1/tasks", ALICE, Json.write(notAnObject)), 400, "bad_request");
    ObjectNode tooMany = Json.object().put("sessionKey", "web:alice").put("kind", "files");
    for (int i = 0; i < 11; i++) tooMany.withArray("attachments").add("id" + i);
    assertError(gw.post("/v1/tasks", ALICE, Json.write(tooMany)), 413, "too_large");
    assertThat(json(gw.get("/v1/tasks?sessionKey=web:alice", ALICE)).get("items")).isEmpty();
  }

  @Test
  void aChatMessageCarriesItsFilesToItsTaskAndTheTranscriptNamesThem() throws Exception {
    String id = uploaded(ADMIN, "web:c1", "report.md", "text/markdown", "# Report".getBytes());
    ObjectNode send = Json.object().put("chatId", "c1").put("text", "echo look at this");
    send.putArray("attachments").add(id);
    JsonNode r = ws.result("chat.send", send);
    assertThat(r.at("/userMessage/text").asText()).isEqualTo("echo look at this\n\n[Attached: report.md — in ./attachments/]");
    JsonNode task = ws.awaitTerminal(r.get("taskId").asText());
    assertThat(task.at("/input/attachments/0/id").asText()).isEqualTo(id);
    assertThat(task.at("/input/attachments/0/mediaType").asText()).isEqualTo("text/markdown");

    ObjectNode foreign = Json.object().put("chatId", "c2").put("text", "echo hi");
    foreign.putArray("attachments").add(id);
    assertThat(ws.errorCode("chat.send", foreign)).isEqualTo("not_found");
    assertThat(ws.result("chat.history", Json.object().put("chatId", "c2")).get("messages")).isEmpty();
  }

  @Test
  void aLaterMessageFromTheWebChatComesBackOverTheWebSocket() {
    JsonNode sub = ws.result("chat.subscribe", Json.object().put("chatId", "c3"));
    assertThat(sub.get("subscriptionId").asText()).isNotBlank();
    JsonNode r = ws.result("chat.send", Json.object().put("chatId", "c3").put("text", "/later in 1s echo later"));
    assertThat(r.at("/answer/text").asText()).startsWith("Scheduled #");
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      JsonNode history = ws.result("chat.history", Json.object().put("chatId", "c3")).get("messages");
      for (JsonNode m : history) if (m.get("text").asText().equals("later")) return true;
      return false;
    });
    JsonNode list = ws.result("chat.send", Json.object().put("chatId", "c3").put("text", "/schedules"));
    assertThat(list.at("/answer/text").asText()).startsWith("No schedules");
  }
}
