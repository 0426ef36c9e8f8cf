package dev.tasklane.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.core.TaskId;
import dev.tasklane.gateway.api.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real {@code tasklane} processes on one PostgreSQL: every task runs once wherever it was
 * submitted, a client on one node follows and cancels a task running on another, and a node that
 * dies or stalls takes nothing with it. Runs are counted by the tasks' own commands, in a file.
 */
@Tag("slow")
class ClusterTest {
  @TempDir Path dir;

  @Test
  void aThousandTasksSubmittedRoundRobinRunOnceEachSpreadOverEveryNodeInSessionOrder() throws Exception {
    try (FakeModel model = new FakeModel(); ClusterNodes cluster = new ClusterNodes(dir).configure(model::config)) {
      List<ServerProcess> nodes = cluster.serve(List.of("a", "b", "c"));
      assertThat(nodes.stream().map(n -> read(n.data.resolve(AdminToken.FILE))))
          .as("one admin token, agreed through the database").containsOnly(cluster.token());
      int tasks = 1_000;
      int sessions = 100;
      Map<Integer, String> ids = new ConcurrentHashMap<>();
      try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int c = 0; c < 8; c++) {
          int client = c;
          clients.submit(() -> {
            for (int i = client; i < tasks; i += 8) {
              ServerProcess to = nodes.get(i % nodes.size());
              JsonNode input = Json.object().put("profile", "model").put("message", Integer.toString(i));
              ids.put(i, cluster.submit(to, "load:s" + (i % sessions), "llm", input).get("id").asText());
            }
            return null;
          });
        }
      }
      assertThat(ids).hasSize(tasks);
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .until(() -> cluster.count("SELECT COUNT(*) FROM tasks WHERE state IN ('completed', 'failed')") == tasks);
      assertThat(cluster.count("SELECT COUNT(*) FROM tasks WHERE state = 'completed'")).isEqualTo(tasks);

      List<FakeModel.Call> calls = List.copyOf(model.calls);
      Map<String, Long> perTask = calls.stream().collect(Collectors.groupingBy(FakeModel.Call::message,
          Collectors.counting()));
      assertThat(perTask).as("every task ran").hasSize(tasks);
      assertThat(perTask.values()).as("no task ran twice").containsOnly(1L);
      Map<String, Long> perNode = calls.stream().collect(Collectors.groupingBy(FakeModel.Call::node,
          Collectors.counting()));
      assertThat(perNode.keySet()).containsExactlyInAnyOrder("a", "b", "c");
      assertThat(perNode.values()).as("work spread over all nodes: %s", perNode).allMatch(n -> n >= tasks / 10);
      assertThat(cluster.count("SELECT COUNT(*) FROM task_events WHERE type = 'completed'")).isEqualTo(tasks);

      for (int s = 0; s < sessions; s++) {
        int session = s;
        List<String> stored = ids.entrySet().stream().filter(e -> e.getKey() % sessions == session)
            .sorted(Comparator.comparingLong(e -> TaskId.parse(e.getValue()).value()))
            .map(e -> e.getKey().toString()).toList();
        List<String> ran = calls.stream().map(FakeModel.Call::message)
            .filter(i -> Integer.parseInt(i) % sessions == session).toList();
        assertThat(ran).as("the tasks of session %d ran one after another, in the order they were stored", session)
            .containsExactlyElementsOf(stored);
      }

      JsonNode health = cluster.health(nodes.get(0));
      assertThat(health.get("node").asText()).isEqualTo("a");
      assertThat(health.at("/cluster/alive").asInt()).isEqualTo(3);
      assertThat(cluster.metrics(nodes.get(1))).contains("tasklane_cluster_nodes{state=\"alive\"} 3.0",
          "tasklane_cluster_running_tasks{node=\"c\"}");
    }
  }

  @Test
  void aTaskRunningOnOneNodeFollowedOnAnotherAndCanceledFromAThirdStopsWithinASecond() throws Exception {
    try (ClusterNodes cluster = new ClusterNodes(dir)) {
      // Heartbeats ten seconds apart: only the signal can stop the handler within a second.
      String[] slowBeat = {"--heartbeat", "10s", "--lease", "30s"};
      cluster.serve(List.of("b"), slowBeat);
      List<ServerProcess> fronts = cluster.serve(List.of("a", "c"), concat(slowBeat, "--no-workers"));
      ServerProcess a = fronts.get(0);
      ServerProcess b = cluster.node("b");
      ServerProcess c = fronts.get(1);
      Path pid = dir.resolve("pid");
      String id = cluster.submitShell(a, "web:x", "echo $$ > " + pid + "; exec sleep 60", "slow").get("id").asText();
      LinkedBlockingQueue<JsonNode> events = follow(cluster, a, id);
      await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(pid) && !read(pid).isEmpty());
      assertThat(cluster.task(c, id).get("node").asText()).as("it runs on b").isEqualTo("b");
      ProcessHandle command = ProcessHandle.of(Long.parseLong(read(pid))).orElseThrow();

      long canceledAt = System.nanoTime();
      assertThat(cluster.cancel(c, id).get("cancelRequestedAt").isNull()).isFalse();
      JsonNode end = null;
      while (end == null) {
        JsonNode e = events.poll(5, TimeUnit.SECONDS);
        assertThat(e).as("an event on a").isNotNull();
        if (e.get("state").asText().equals("canceled")) end = e;
      }
      Duration took = Duration.ofNanos(System.nanoTime() - canceledAt);
      assertThat(took).as("cancel on c to canceled seen on a").isLessThan(Duration.ofSeconds(1));
      assertThat(end.at("/error/message").asText()).as("the handler stopped, not the grace period")
          .isEqualTo("canceled while running");
      assertThat(command.isAlive()).as("the command on b was stopped").isFalse();
      assertThat(b.output()).doesNotContain("ERROR");
    }
  }

  @Test
  void whenANodeIsKilledTheOthersFinishItsRunningAndQueuedTasksWithinTheLeaseNoneTwice() throws Exception {
    try (ClusterNodes cluster = new ClusterNodes(dir)) {
      cluster.serve(List.of("a", "b"), "--workers", "3");
      ServerProcess c = cluster.start("worker", List.of("c"), "--workers", "3").getFirst();
      assertThat(cluster.health(c).get("workers").asInt()).isEqualTo(3);
      assertThat(cluster.get(c, "/v1/tasks").statusCode()).as("a worker serves no API").isEqualTo(404);
      ServerProcess a = cluster.node("a");
      ServerProcess b = cluster.node("b");
      Path runs = cluster.runs();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 18; i++) {
        ServerProcess to = List.of(a, b).get(i % 2);
        ids.add(cluster.submitShell(to, "kill:s" + i, "echo \"$0 $PWD\" >> " + runs + "; sleep 2", "t" + i)
            .get("id").asText());
      }
      await().atMost(Duration.ofSeconds(15)).until(() -> cluster.health(b).get("runningHere").asInt() == 3);
      assertThat(cluster.count("SELECT COUNT(*) FROM tasks WHERE state = 'queued'")).as("some wait").isPositive();
      b.process.destroyForcibly(); // SIGKILL
      b.process.waitFor();
      long killedAt = System.nanoTime();

      await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
          .until(() -> cluster.count("SELECT COUNT(*) FROM tasks WHERE state = 'completed'") == ids.size());
      Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
      // Six rounds of 2 s tasks on the six workers left, after a lease of 3 s: well within 25 s.
      assertThat(took).isLessThan(Duration.ofSeconds(25));
      assertThat(cluster.count("SELECT COUNT(*) FROM task_events WHERE type = 'completed'")).isEqualTo(ids.size());
      assertThat(cluster.count("SELECT COUNT(*) FROM tasks WHERE attempt = 2")).as("b's tasks ran again").isEqualTo(3);
      for (String id : ids) {
        assertThat(cluster.task(a, id).get("state").asText()).isEqualTo("completed");
      }
      assertThat(cluster.health(a).at("/cluster/alive").asInt()).isEqualTo(2);
    }
  }

  @Test
  void aNodePausedPastItsLeaseCannotCompleteTheTaskAnotherTookOver() throws Exception {
    try (ClusterNodes cluster = new ClusterNodes(dir)) {
      List<ServerProcess> nodes = cluster.serve(List.of("a", "b", "c"));
      String id = cluster.submitShell(nodes.get(0), "web:p", "sleep 3; echo \"finished by $PWD\"", "x").get("id")
          .asText();
      await().atMost(Duration.ofSeconds(10)).until(() -> cluster.task(nodes.get(1), id).get("node").isTextual());
      String owner = cluster.task(nodes.get(1), id).get("node").asText();
      ServerProcess paused = cluster.node(owner);
      ServerProcess other = nodes.stream().filter(n -> n != paused).findFirst().orElseThrow();
      signal("STOP", paused);
      try {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
            .until(() -> cluster.task(other, id).get("state").asText().equals("completed"));
      } finally {
        signal("CONT", paused);
      }
      JsonNode done = cluster.task(other, id);
      assertThat(done.at("/result/output").asText()).doesNotContain("/" + owner);
      await().atMost(Duration.ofSeconds(10)).until(() -> cluster.metrics(paused)
          .contains("tasklane_discarded_outcomes_total 1.0"));
      assertThat(cluster.task(other, id)).as("the single terminal state stands").isEqualTo(done);
      assertThat(cluster.count("SELECT COUNT(*) FROM task_events WHERE state IN ('completed', 'failed', 'canceled')"
          + " AND task_id = (SELECT MAX(id) FROM tasks)")).isEqualTo(1);
    }
  }

  /** The task's events as a client on {@code node} receives them (Server-Sent Events). */
  private static LinkedBlockingQueue<JsonNode> follow(ClusterNodes cluster, ServerProcess node, String id)
      throws Exception {
    LinkedBlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    HttpResponse<java.io.InputStream> r = cluster.http.send(HttpRequest.newBuilder(
        URI.create(node.url + "/v1/tasks/" + id + "/events")).header("Authorization", "Bearer " + cluster.token())
        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    Thread.startVirtualThread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        String line;
        String event = null;
        while ((line = in.readLine()) != null) {
          if (line.startsWith("event:")) event = line.substring(6).strip();
          else if (line.startsWith("data:") && "task".equals(event)) events.add(Json.parse(line.substring(5).strip()));
        }
      } catch (Exception ignored) {
        // the stream ended
      }
    });
    return events;
  }

  private static void signal(String signal, ServerProcess node) throws Exception {
    new ProcessBuilder("kill", "-" + signal, Long.toString(node.process.pid())).inheritIO().start().waitFor();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (Exception e) {
      return "";
    }
  }

  private static String[] concat(String[] a, String... b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }
}
