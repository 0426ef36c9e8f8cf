package dev.tasklane.gateway;

import static dev.tasklane.gateway.WsProtocolTest.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.gateway.api.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that asks for large answers and never reads them costs the server at most its send
 * buffer, is closed with a reason it can read, and leaves another client's answers as quick as they
 * were before it came.
 */
class SlowReaderTest {
  private static final long PER_CONNECTION = 1L << 20;
  private static final int BIG_TASKS = 6;
  private static final String BIG_SESSION = "web:big";

  @TempDir Path dir;
  TestGateway gw;
  private final AtomicLong fastSessions = new AtomicLong();

  @AfterEach
  void stop() {
    if (gw != null) gw.close();
  }

  @Test
  void aClientThatStopsReadingIsClosedAtItsSendBufferAndOthersStayQuick() throws Exception {
    var buffers = new GatewayConfig.SendBuffers(PER_CONNECTION, 8 * PER_CONNECTION, Duration.ofSeconds(2));
    gw = TestGateway.start(dir, GatewayConfig.defaults().withSendBuffers(buffers).withRateLimit(0, 1));
    try (WsClient fast = gw.ws(TestGateway.ADMIN)) {
      long answerBytes = createBigTasks(fast);
      List<Long> baseline = new ArrayList<>();
      for (int i = 0; i < 30; i++) baseline.add(ackNanos(fast));

      AtomicBoolean flooding = new AtomicBoolean(true);
      AtomicLong mostBuffered = new AtomicLong();
      Thread sampler = Thread.ofVirtual().start(() -> {
        while (flooding.get()) mostBuffered.accumulateAndGet(metric("tasklane_ws_send_buffer_bytes"), Math::max);
      });
      List<Long> during = new ArrayList<>();
      AtomicReference<Throwable> ackFailure = new AtomicReference<>();
      Thread acks = Thread.ofVirtual().start(() -> {
        try {
          while (flooding.get()) during.add(ackNanos(fast));
        } catch (Throwable t) {
          ackFailure.set(t);
        }
      });
      try (RawWsClient slow = RawWsClient.connectNotReading(gw.port(), TestGateway.ADMIN);
          RawWsClient silent = RawWsClient.connectNotReading(gw.port(), TestGateway.ADMIN)) {
        askForBigListsUntilClosed(slow, 1);
        // The client that reads again gets what was queued, then the close frame with the reason.
        RawWsClient.Frame close = slow.readUntilClose();
        assertThat(close.closeCode()).isEqualTo(4008);
        assertThat(close.closeReason()).startsWith("too far behind").contains(Long.toString(PER_CONNECTION));
        // Its answer to the close ends the connection, without waiting for the close grace.
        long answered = System.nanoTime();
        slow.sendClose(close.closeCode());
        assertThat(slow.endOfStream()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - answered)).isLessThan(buffers.closeGrace());

        askForBigListsUntilClosed(silent, 2);
        // The one that never reads is dropped after the close grace: nothing is held for it any more.
        await().atMost(Duration.ofSeconds(5)).until(() -> metric("tasklane_ws_send_buffer_bytes") == 0);
      } finally {
        flooding.set(false);
        sampler.join();
        acks.join();
      }
      assertThat(metric("tasklane_open_connections{type=\"websocket\"}")).isEqualTo(1);
      assertThat(mostBuffered.get()).as("bytes the server held for slow readers, sampled")
          .isPositive().isLessThanOrEqualTo(PER_CONNECTION + answerBytes);
      // Same client, same request, same machine: the slow readers must not slow its answers down.
      long before = median(baseline);
      assertThat(ackFailure.get()).as("the fast client's calls").isNull();
      assertThat(median(during)).as("median ack (ns) beside slow readers, against %d ns before, of %d acks",
          before, during.size()).isLessThan(Math.max(5 * before, before + 50_000_000L));
      assertThat(fast.closed).isFalse();
    }
  }

  /** Tasks whose list is about 0.7 MB (each echoes its 60 KB input); returns the list's size. */
  private long createBigTasks(WsClient ws) {
    String text = "x".repeat(60_000);
    for (int i = 0; i < BIG_TASKS; i++) {
      ws.result("task.create", params().put("sessionKey", BIG_SESSION).put("kind", "echo")
          .set("input", Json.object().put("text", text)));
    }
    JsonNode list = ws.result("task.list", params().put("sessionKey", BIG_SESSION).put("limit", BIG_TASKS));
    return Json.write(list).length();
  }

  /**
   * Asks for lists of about 0.7 MB, a few at a time, until the server has closed {@code closed}
   * connections for falling behind: past what the socket buffers (a few MB) and the 1 MiB cap hold.
   */
  private void askForBigListsUntilClosed(RawWsClient client, int closed) throws Exception {
    for (int i = 0; metric("tasklane_ws_closed_behind_total") < closed; i++) {
      assertThat(i).as("lists asked for").isLessThan(400);
      client.sendText("{\"id\":" + i + ",\"method\":\"task.list\",\"params\":{\"sessionKey\":\"" + BIG_SESSION
          + "\",\"limit\":" + BIG_TASKS + "}}");
      if (i % 4 == 3) Thread.sleep(50);
    }
  }

  /** One create in a session of its own, so a slow machine never meets the per-session pending limit. */
  private long ackNanos(WsClient ws) {
    String session = "web:fast-" + fastSessions.incrementAndGet();
    long start = System.nanoTime();
    ws.result("task.create", params().put("sessionKey", session).put("kind", "echo"));
    return System.nanoTime() - start;
  }

  private static long median(List<Long> nanos) {
    List<Long> sorted = nanos.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private long metric(String name) {
    try {
      var r = gw.get("/metrics", null);
      assertThat(r.statusCode()).as("/metrics: %s", r.body()).isEqualTo(200);
      Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(r.body());
      return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
