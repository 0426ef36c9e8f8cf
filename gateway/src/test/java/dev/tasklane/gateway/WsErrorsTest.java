package dev.tasklane.gateway;

import static dev.tasklane.gateway.WsProtocolTest.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad requests on /ws get structured errors and never cost the connection. */
class WsErrorsTest {
  static final int MAX_REQUEST = 1024;

  @TempDir Path dir;
  TestGateway gw;

  void start(GatewayConfig config) {
    gw = TestGateway.start(dir, config);
  }

  @AfterEach
  void stop() {
    if (gw != null) gw.close();
  }

  @Test
  void malformedFramesUnknownMethodsAndWrongTypesAreAnsweredAndTheConnectionKeepsWorking() {
    start(GatewayConfig.defaults());
    try (WsClient ws = gw.ws(TestGateway.ADMIN)) {
      ws.sendRaw("{not json");
      assertError(ws.nextResponse(), "bad_request");
      ws.sendRaw("[1,2]");
      assertError(ws.nextResponse(), "bad_request");
      ws.sendRaw("{\"id\":\"x1\",\"params\":{}}");
      assertError(ws.nextResponse(), "bad_request");

      assertThat(ws.errorCode("task.nope", params())).isEqualTo("bad_request");
      assertThat(ws.errorCode("task.create", params().put("sessionKey", "web:a"))).isEqualTo("bad_request");
      assertThat(ws.errorCode("task.create", params().put("sessionKey", 5).put("kind", "echo"))).isEqualTo("bad_request");
      assertThat(ws.errorCode("task.create", params().put("sessionKey", "web:a").put("kind", "echo").put("priority", "high")))
          .isEqualTo("bad_request");
      assertThat(ws.errorCode("task.create", params().put("sessionKey", "web:a").put("kind", "echo").put("priority", 11)))
          .isEqualTo("bad_request");
      assertThat(ws.errorCode("task.status", params().put("taskId", "not-an-id!"))).isEqualTo("bad_request");
      assertThat(ws.errorCode("task.list", params().put("state", "sleeping"))).isEqualTo("bad_request");
      assertThat(ws.errorCode("task.subscribe", params())).isEqualTo("bad_request");
      assertThat(ws.errorCode("task.subscribe", params().put("taskId", "00ZZ").put("afterSeq", -1)))
          .isIn("bad_request", "not_found");

      assertThat(ws.result("task.create", params().put("sessionKey", "web:a").put("kind", "echo")).get("state").asText())
          .isIn("queued", "running", "completed");
      assertThat(ws.closed).isFalse();
    }
  }

  @Test
  void notFoundForAnUnknownTask() {
    start(GatewayConfig.defaults());
    try (WsClient ws = gw.ws(TestGateway.ADMIN)) {
      assertThat(ws.errorCode("task.status", params().put("taskId", "7ZZZ"))).isEqualTo("not_found");
      assertThat(ws.errorCode("task.cancel", params().put("taskId", "7ZZZ"))).isEqualTo("not_found");
      assertThat(ws.errorCode("task.subscribe", params().put("taskId", "7ZZZ"))).isEqualTo("not_found");
    }
  }

  @Test
  void aFrameOverTheLimitIsTooLargeAndOneAtTheLimitIsServed() {
    start(GatewayConfig.defaults().withMaxRequestBytes(MAX_REQUEST));
    try (WsClient ws = gw.ws(TestGateway.ADMIN)) {
      String atLimit = frameOfSize(MAX_REQUEST);
      ws.sendRaw(atLimit);
      JsonNode ok = ws.nextResponse();
      assertThat(ok.get("ok").asBoolean()).as("%s", ok).isTrue();

      ws.sendRaw(frameOfSize(MAX_REQUEST + 1));
      assertError(ws.nextResponse(), "too_large");
      assertThat(ws.result("task.list", params()).get("items").isArray()).isTrue();
    }
  }

  @Test
  void aFrameOverTheHardLimitClosesTheConnectionWith1009() throws Exception {
    start(GatewayConfig.defaults().withMaxRequestBytes(MAX_REQUEST).withMaxFrameBytes(4 * MAX_REQUEST));
    try (WsClient ws = gw.ws(TestGateway.ADMIN)) {
      ws.sendRaw(frameOfSize(4 * MAX_REQUEST)); // at the hard limit: read, then refused as too large
      assertError(ws.nextResponse(), "too_large");
      ws.sendRaw(frameOfSize(4 * MAX_REQUEST + 1));
      long deadline = System.currentTimeMillis() + 5000;
      while (!ws.closed && System.currentTimeMillis() < deadline) Thread.sleep(20);
      assertThat(ws.closed).isTrue();
      assertThat(ws.closeCode).isEqualTo(1009);
    }
  }

  @Test
  void inputOverTheLanesLimitIsTooLargeAndAReusedIdempotencyKeyWithOtherInputIsAConflict() {
    start(GatewayConfig.defaults().withMaxRequestBytes(4 * 1024 * 1024));
    try (WsClient ws = gw.ws(TestGateway.ADMIN)) {
      ObjectNode big = params().put("sessionKey", "web:a").put("kind", "echo");
      big.putObject("input").put("blob", "x".repeat(gw.lane.config().maxInputBytes() + 1));
      assertThat(ws.errorCode("task.create", big)).isEqualTo("too_large");

      ObjectNode p = params().put("sessionKey", "web:a").put("kind", "echo").put("idempotencyKey", "k1");
      p.putObject("input").put("n", 1);
      JsonNode first = ws.result("task.create", p);
      JsonNode again = ws.result("task.create", p);
      assertThat(again.get("taskId").asText()).isEqualTo(first.get("taskId").asText());
      assertThat(again.get("created").asBoolean()).isFalse();
      p.putObject("input").put("n", 2);
      assertThat(ws.errorCode("task.create", p)).isEqualTo("conflict");
    }
  }

  @Test
  void aConnectionOverItsRateIsRateLimitedButStaysOpen() throws Exception {
    start(GatewayConfig.defaults().withRateLimit(1, 5));
    try (WsClient ws = gw.ws(TestGateway.ADMIN)) {
      for (int i = 0; i < 5; i++) assertThat(ws.call("task.list", params()).get("ok").asBoolean()).isTrue();
      assertThat(ws.errorCode("task.list", params())).isEqualTo("rate_limited");
      Thread.sleep(1100);
      assertThat(ws.call("task.list", params()).get("ok").asBoolean()).isTrue();
      assertThat(ws.closed).isFalse();
    }
  }

  @Test
  void tooManySubscriptionsOnOneConnectionIsRateLimited() {
    start(GatewayConfig.defaults().withMaxSubscriptions(2));
    try (WsClient ws = gw.ws(TestGateway.ADMIN)) {
      ws.result("task.subscribe", params().put("sessionKey", "web:a"));
      ws.result("task.subscribe", params().put("sessionKey", "web:b"));
      assertThat(ws.errorCode("task.subscribe", params().put("sessionKey", "web:c"))).isEqualTo("rate_limited");
    }
  }

  @Test
  void anUpgradeWithoutAKnownTokenIsRefusedWith401() {
    start(GatewayConfig.defaults());
    for (String token : new String[] {null, "wrong"}) {
      assertThatThrownBy(() -> gw.ws(token)).isInstanceOf(CompletionException.class)
          .cause().isInstanceOf(WebSocketHandshakeException.class)
          .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(401));
    }
  }

  @Test
  void theTokenMayComeAsAQueryParameterForBrowsers() throws Exception {
    start(GatewayConfig.defaults());
    var uri = java.net.URI.create("ws://127.0.0.1:" + gw.port() + "/ws?token=" + TestGateway.ADMIN);
    var socket = gw.http.newWebSocketBuilder().buildAsync(uri, new java.net.http.WebSocket.Listener() {}).join();
    assertThat(socket.isInputClosed()).isFalse();
    socket.abort();
  }

  /** A task.list request padded with spaces to exactly {@code bytes} bytes. */
  static String frameOfSize(int bytes) {
    String base = "{\"id\":\"sized\",\"method\":\"task.list\",\"params\":{}}";
    return base.substring(0, base.length() - 1) + " ".repeat(bytes - base.length()) + "}";
  }

  static void assertError(JsonNode response, String code) {
    assertThat(response.get("ok").asBoolean()).as("%s", response).isFalse();
    assertThat(response.at("/error/code").asText()).as("%s", response).isEqualTo(code);
    assertThat(response.at("/error/message").asText()).isNotBlank();
  }
}
