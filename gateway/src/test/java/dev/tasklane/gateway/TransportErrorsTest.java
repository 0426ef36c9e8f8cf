package dev.tasklane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.gateway.api.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the server answers below the API's routes is in the API's shape too: a refused WebSocket
 * upgrade, a path Jetty rejects before any route, a binary frame.
 */
class TransportErrorsTest {
  @TempDir Path dir;
  TestGateway gw;

  @BeforeEach
  void start() {
    gw = TestGateway.start(dir, GatewayConfig.defaults());
  }

  @AfterEach
  void stop() {
    gw.close();
  }

  @Test
  void aRefusedUpgradeSaysWhyInJson() throws Exception {
    for (String token : new String[] {null, "wrong"}) {
      try (RawWsClient refused = RawWsClient.connect(gw.port(), token)) {
        assertThat(refused.status).isEqualTo(401);
        assertThat(refused.headers.get("content-type")).startsWith("application/json");
        JsonNode error = Json.parse(refused.body);
        assertThat(error.get("code").asText()).isEqualTo("unauthorized");
        assertThat(error.get("message").asText()).isNotBlank();
      }
    }
  }

  @Test
  void pathsJettyRejectsBeforeAnyRouteGetJsonErrors() throws Exception {
    for (String path : new String[] {"/v1/tasks/%00", "/%2e%2e/", "/%", "/v1/%c0%ae", "/v1/tasks/%2e%2e/x"}) {
      String response = rawRequest("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
          + TestGateway.ADMIN + "\r\nConnection: close\r\n\r\n");
      assertJsonError(path, response, "400", "bad_request", "404", "not_found");
    }
    String noEndpoint = rawRequest("GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    assertJsonError("a WebSocket upgrade to /nope", noEndpoint, "404", "not_found", "404", "not_found");
    String hugeHeader = rawRequest("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(20_000)
        + "\r\nConnection: close\r\n\r\n");
    assertJsonError("a 20 KB header", hugeHeader, "431", "bad_request", "431", "bad_request");
  }

  @Test
  void aBinaryFrameIsAnsweredWithAnErrorAndTheConnectionGoesOn() throws Exception {
    try (RawWsClient ws = RawWsClient.connect(gw.port(), TestGateway.ADMIN)) {
      ws.sendBinary("{\"id\":\"b1\",\"method\":\"task.list\"}".getBytes(StandardCharsets.UTF_8));
      JsonNode answer = Json.parse(ws.read().text());
      assertThat(answer.get("ok").asBoolean()).isFalse();
      assertThat(answer.get("id").isNull()).isTrue();
      assertThat(answer.at("/error/code").asText()).isEqualTo("bad_request");
      assertThat(answer.at("/error/message").asText()).contains("text");

      ws.sendText("{\"id\":\"t1\",\"method\":\"task.list\",\"params\":{}}");
      JsonNode next = Json.parse(ws.read().text());
      assertThat(next.get("id").asText()).isEqualTo("t1");
      assertThat(next.get("ok").asBoolean()).isTrue();
    }
  }

  /** The status is one of the two given, with its code, and the body is a JSON error. */
  private static void assertJsonError(String what, String response, String status, String code, String otherStatus,
      String otherCode) {
    String head = response.substring(0, response.indexOf("\r\n\r\n"));
    String body = response.substring(response.indexOf("\r\n\r\n") + 4);
    String actualStatus = head.split(" ")[1];
    assertThat(actualStatus).as(what).isIn(status, otherStatus);
    assertThat(head.toLowerCase()).as(what).contains("content-type: application/json");
    JsonNode error = Json.parse(body);
    assertThat(error.get("code").asText()).as(what).isEqualTo(actualStatus.equals(status) ? code : otherCode);
    assertThat(error.get("message").asText()).as(what).isNotBlank();
  }

  /** Sends bytes as they are (no client normalises the path) and reads the answer up to its body's end. */
  private String rawRequest(String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", gw.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (true) {
        int n = in.read(buf);
        if (n < 0) break;
        out.write(buf, 0, n);
        String text = out.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end >= 0 && complete(text, end)) break;
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  private static boolean complete(String text, int headerEnd) {
    for (String line : text.substring(0, headerEnd).split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        int length = Integer.parseInt(line.substring(15).strip());
        return text.getBytes(StandardCharsets.UTF_8).length >= headerEnd + 4 + length;
      }
    }
    return false;
  }
}
