package dev.tasklane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /healthz and /metrics. */
class OpsEndpointsTest {
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
  void healthReportsTheDatabaseAndTheLane() throws Exception {
    HttpResponse<String> r = gw.get("/healthz", null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode h = TestGateway.json(r);
    assertThat(h.get("ok").asBoolean()).isTrue();
    assertThat(h.get("database").asText()).isEqualTo("ok");
    assertThat(h.get("lane").asText()).isEqualTo("running");

    gw.lane.close(); // the database is closed with it
    HttpResponse<String> down = gw.get("/healthz", null);
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(TestGateway.json(down).get("ok").asBoolean()).isFalse();
  }

  @Test
  void metricsScrapedAtTheSameTimeAllAnswer() throws Exception {
    // Monitoring and a person's curl at once: each scrape refreshes the per-node gauges, which must
    // not change under another scrape (it failed with duplicate labels, as a 500).
    List<Integer> statuses = new CopyOnWriteArrayList<>();
    List<Thread> scrapers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      scrapers.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 100; i++) {
          try {
            HttpResponse<String> r = gw.get("/metrics", null);
            statuses.add(r.body().contains("tasklane_cluster_heartbeat_age_seconds") ? r.statusCode() : -1);
          } catch (Exception e) {
            statuses.add(-2);
          }
        }
      }));
    }
    for (Thread t : scrapers) t.join();
    assertThat(statuses).hasSize(400).containsOnly(200);
  }

  @Test
  void metricsCountTasksByStateQueueDepthConnectionsSubmitsAndEvents() throws Exception {
    try (WsClient ws = gw.ws(TestGateway.ADMIN)) {
      String id = ws.result("task.create", WsProtocolTest.params().put("sessionKey", "web:m").put("kind", "echo"))
          .get("taskId").asText();
      ws.result("task.subscribe", WsProtocolTest.params().put("taskId", id));
      while (!ws.nextEvent().at("/data/type").asText().equals("completed")) {
        // wait for the task to finish
      }
      Thread.sleep(1100); // counts are cached for a second
      String text = gw.get("/metrics", null).body();
      assertThat(text).contains("tasklane_tasks{state=\"queued\"} 0.0", "tasklane_tasks{state=\"completed\"} 1.0",
          "tasklane_queue_depth", "tasklane_running_tasks", "tasklane_submit_latency_seconds_count 1\n",
          "tasklane_open_connections{type=\"websocket\"} 1.0", "tasklane_open_connections{type=\"sse\"} 0.0");
      assertThat(text).containsPattern("tasklane_events_published_total [1-9]");
      assertThat(text).contains("tasklane_ws_request_latency_seconds_count{method=\"task.create\"} 1");
    }
  }
}
