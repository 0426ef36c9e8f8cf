package dev.tasklane.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real {@code tasklane serve} processes, one {@code tasklane worker} and one {@code serve
 * --no-workers} (a front) on one PostgreSQL, started once for the class: every task runs once
 * wherever it was submitted, a client on one node follows and cancels a task running on another, a
 * web chat on the front gets the replies of tasks other nodes ran, and a node that stalls or dies
 * takes nothing with it. Runs are counted outside the database (by the model server in the test, or by the tasks' own
 * commands). The tests run in order: the last one kills a node.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
  @TempDir static Path dir;
  private static FakeModel model;
  private static ClusterNodes cluster;
  private static List<ServerProcess> nodes;

  @BeforeAll
  static void startCluster() throws Exception {
    model = new FakeModel();
    cluster = new ClusterNodes(dir).configure(model::config);
    List<ServerProcess> all = new ArrayList<>();
    try (ExecutorService starts = Executors.newVirtualThreadPerTaskExecutor()) {
      var servers = starts.submit(() -> cluster.serve(List.of("a", "b", "c")));
      var worker = starts.submit(() -> cluster.start("worker", List.of("d")));
      var front = starts.submit(() -> cluster.serve(List.of("e"), "--no-workers"));
      all.addAll(servers.get());
      all.addAll(worker.get());
      all.addAll(front.get());
    }
    nodes = all;
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
    if (model != null) model.close();
  }

  private static ServerProcess node(String id) {
    return cluster.node(id);
  }

  /** The nodes that serve the API. */
  private static List<ServerProcess> servers() {
    return List.of(node("a"), node("b"), node("c"));
  }

  @Test
  @Order(1)
  void aThousandTasksSubmittedRoundRobinRunOnceEachSpreadOverEveryNodeInSessionOrder() throws Exception {
    assertThat(nodes.stream().map(n -> read(n.data.resolve(AdminToken.FILE))))
        .as("one admin token, agreed through the database").containsOnly(cluster.token());
    ServerProcess worker = node("d");
    assertThat(cluster.health(worker).get("workers").asInt()).isPositive();
    assertThat(cluster.get(worker, "/v1/tasks").statusCode()).as("a worker serves no API").isEqualTo(404);
    int tasks = 1_000;
    int sessions = 100;
    Map<Integer, String> ids = new ConcurrentHashMap<>();
    // Eight clients at once, each with its own sessions, each submitting a session's tasks one after
    // another (each to the next node): a session's order is the order its submits were stored in,
    // which the ids show. Two submits to one session racing on two nodes have no order until they
    // commit, and a sequence hands out ids in another order than the commits.
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < 8; c++) {
        int client = c;
        clients.submit(() -> {
          for (int i = 0; i < tasks; i++) {
            if (i % sessions % 8 != client) continue;
            ServerProcess to = servers().get(i % 3);
            JsonNode input = Json.object().put("profile", "model").put("message", Integer.toString(i));
            ids.put(i, cluster.submit(to, "load:s" + (i % sessions), "llm", input).get("id").asText());
          }
          return null;
        });
      }
    }
    assertThat(ids).hasSize(tasks);
    String loadTasks = "FROM tasks WHERE session_key LIKE 'load:%'";
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
        .until(() -> cluster.count("SELECT COUNT(*) " + loadTasks + " AND state IN ('completed', 'failed')") == tasks);
    assertThat(cluster.count("SELECT COUNT(*) " + loadTasks + " AND state = 'completed'"))
        .as("completed; the others: %s", cluster.texts("SELECT id || ' ' || attempt || ' ' || COALESCE(error, '') "
            + loadTasks + " AND state <> 'completed'")).isEqualTo(tasks);

    List<FakeModel.Call> calls = List.copyOf(model.calls);
    Map<String, Long> perTask = calls.stream().collect(Collectors.groupingBy(FakeModel.Call::message,
        Collectors.counting()));
    assertThat(perTask).as("every task ran").hasSize(tasks);
    assertThat(perTask.values()).as("no task ran twice").containsOnly(1L);
    Map<String, Long> perNode = calls.stream().collect(Collectors.groupingBy(FakeModel.Call::node,
        Collectors.counting()));
    assertThat(perNode.keySet()).containsExactlyInAnyOrder("a", "b", "c", "d");
    assertThat(perNode.values()).as("work spread over all nodes: %s", perNode).allMatch(n -> n >= tasks / 20);
    assertThat(cluster.count("SELECT COUNT(*) FROM task_events WHERE type = 'completed' AND task_id IN (SELECT id "
        + loadTasks + ")")).isEqualTo(tasks);

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

    JsonNode health = cluster.health(node("a"));
    assertThat(health.get("node").asText()).isEqualTo("a");
    assertThat(health.at("/cluster/alive").asInt()).isEqualTo(5);
    assertThat(cluster.metrics(node("b"))).contains("tasklane_cluster_nodes{state=\"alive\"} 5.0",
        "tasklane_cluster_running_tasks{node=\"d\"}");
  }

  @Test
  @Order(2)
  void aTaskRunningOnOneNodeFollowedOnAnotherAndCanceledFromAThirdStopsWithinASecond() throws Exception {
    Path pid = dir.resolve("pid");
    String id = cluster.submitShell(node("a"), "web:x", "echo $$ > " + pid + "; exec sleep 60", "slow").get("id")
        .asText();
    await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(pid) && !read(pid).isEmpty());
    String owner = cluster.task(node("a"), id).get("node").asText();
    List<ServerProcess> others = servers().stream().filter(n -> n != node(owner)).toList();
    ServerProcess follower = others.get(0);
    ServerProcess canceler = others.get(1);
    LinkedBlockingQueue<JsonNode> events = follow(cluster, follower, id);
    ProcessHandle command = ProcessHandle.of(Long.parseLong(read(pid))).orElseThrow();

    long canceledAt = System.nanoTime();
    assertThat(cluster.cancel(canceler, id).get("cancelRequestedAt").isNull()).isFalse();
    JsonNode end = null;
    while (end == null) {
      JsonNode e = events.poll(5, TimeUnit.SECONDS);
      assertThat(e).as("an event on the follower's node").isNotNull();
      if (e.get("state").asText().equals("canceled")) end = e;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - canceledAt);
    assertThat(took).as("cancel on one node to canceled seen on another").isLessThan(Duration.ofSeconds(1));
    assertThat(end.at("/error/message").asText()).as("the handler stopped, not the grace period")
        .isEqualTo("canceled while running");
    await().atMost(Duration.ofSeconds(2)).until(() -> !command.isAlive());
    assertThat(node(owner).output()).doesNotContain("ERROR");
  }

  @Test
  @Order(3)
  void aWebChatOnANodeWithoutWorkersShowsEveryMessageAndReplyOfItsChatOnceWhicheverNodeWroteThem() throws Exception {
    try (ChatSocket front = new ChatSocket(cluster.http, node("e").url, cluster.token());
        ChatSocket other = new ChatSocket(cluster.http, node("b").url, cluster.token())) {
      front.request("chat.subscribe", Json.object().put("chatId", "cl"));
      JsonNode mine = front.request("chat.send", Json.object().put("chatId", "cl").put("text", "hello from e"));
      assertThat(mine.get("taskId").isTextual()).as("the message became a task").isTrue();
      other.request("chat.send", Json.object().put("chatId", "cl").put("text", "hello from b"));

      await().atMost(Duration.ofSeconds(20)).until(() -> front.withText("done: hello from e").size() == 1
          && front.withText("done: hello from b").size() == 1);
      Thread.sleep(500); // a second delivery would have arrived by now
      assertThat(front.withText("hello from b")).as("b's user message, shown on e").hasSize(1);
      assertThat(front.withText("done: hello from e")).as("delivered once").hasSize(1);
      assertThat(front.withText("done: hello from b")).as("written by b, delivered once on e").hasSize(1);
      List<Long> ids = front.entries.stream().filter(e -> !e.path("status").asBoolean())
          .map(e -> e.get("id").asLong()).toList();
      assertThat(ids).as("entries in transcript order, none twice").isSorted().doesNotHaveDuplicates();
    }
    assertThat(model.calls.stream().filter(c -> c.message().contains("hello from e")).map(FakeModel.Call::node))
        .as("the front runs no tasks").hasSize(1).doesNotContain("e");
  }

  @Test
  @Order(4)
  void aFileUploadedToOneNodeIsDownloadedFromAnotherAndReachesATaskRunningOnAThird() throws Exception {
    HttpResponse<String> up = cluster.post(node("e"), "/v1/attachments?sessionKey=web:files&name=plan.md",
        "# the plan\n");
    assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
    String file = Json.parse(up.body()).get("id").asText();

    HttpResponse<String> down = cluster.get(node("b"), "/v1/attachments/" + file);
    assertThat(down.statusCode()).as(down.body()).isEqualTo(200);
    assertThat(down.body()).isEqualTo("# the plan\n");

    // The front node has no workers: the task runs on another node than the one that took the file.
    ObjectNode body = Json.object().put("sessionKey", "web:files").put("kind", "exec");
    body.putObject("input").putArray("command").add("sh").add("-c").add("cat \"$TASKLANE_ATTACHMENTS\"").add("x");
    body.putArray("attachments").add(file);
    HttpResponse<String> created = cluster.post(node("e"), "/v1/tasks", Json.write(body));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = Json.parse(created.body()).get("id").asText();
    await().atMost(Duration.ofSeconds(15)).until(() -> cluster.task(node("e"), id).get("finishedAt").isTextual());
    JsonNode done = cluster.task(node("e"), id);
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("completed");
    assertThat(done.at("/result/output").asText()).as("the output, trimmed").isEqualTo("# the plan");
  }

  @Test
  @Order(5)
  void aNodePausedPastItsLeaseCannotCompleteTheTaskAnotherTookOver() throws Exception {
    String id = cluster.submitShell(node("a"), "web:p", "sleep 3; echo \"finished by $PWD\"", "x").get("id")
        .asText();
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.task(node("b"), id).get("node").isTextual());
    String owner = cluster.task(node("b"), id).get("node").asText();
    ServerProcess paused = node(owner);
    ServerProcess other = servers().stream().filter(n -> n != paused).findFirst().orElseThrow();
    double discardedBefore = discarded(paused);
    signal("STOP", paused);
    try {
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .until(() -> cluster.task(other, id).get("state").asText().equals("completed"));
    } finally {
      signal("CONT", paused);
    }
    JsonNode done = cluster.task(other, id);
    assertThat(done.at("/result/output").asText()).doesNotContain("/" + owner);
    await().atMost(Duration.ofSeconds(10)).until(() -> discarded(paused) == discardedBefore + 1);
    assertThat(cluster.task(other, id)).as("the single terminal state stands").isEqualTo(done);
    assertThat(cluster.count("SELECT COUNT(*) FROM task_events WHERE state IN ('completed', 'failed', 'canceled')"
        + " AND task_id = " + TaskId.parse(id).value())).isEqualTo(1);
  }

  @Test
  @Order(6)
  void whenANodeIsKilledTheOthersFinishItsRunningAndQueuedTasksWithinTheLeaseNoneTwice() throws Exception {
    ServerProcess victim = node("d");
    Path runs = cluster.runs();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      ids.add(cluster.submitShell(servers().get(i % 3), "kill:s" + i, "echo \"$0 $PWD\" >> " + runs + "; sleep 2",
          "t" + i).get("id").asText());
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> cluster.health(victim).get("runningHere").asInt() > 0);
    String inKill = "FROM tasks WHERE session_key LIKE 'kill:%'";
    assertThat(cluster.count("SELECT COUNT(*) " + inKill + " AND state = 'queued'")).as("some wait").isPositive();
    victim.process.destroyForcibly(); // SIGKILL
    victim.process.waitFor();
    long killedAt = System.nanoTime();
    long orphans = cluster.count("SELECT COUNT(*) " + inKill + " AND state = 'running' AND lease_owner = 'd'");
    assertThat(orphans).as("tasks running on the killed node").isPositive();

    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
        .until(() -> cluster.count("SELECT COUNT(*) " + inKill + " AND state = 'completed'") == ids.size());
    Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
    // Two rounds of 2 s tasks on the twelve workers left, after a lease of 3 s: well within 20 s.
    assertThat(took).isLessThan(Duration.ofSeconds(20));
    assertThat(cluster.count("SELECT COUNT(*) FROM task_events WHERE type = 'completed' AND task_id IN (SELECT id "
        + inKill + ")")).as("none completed twice").isEqualTo(ids.size());
    assertThat(cluster.count("SELECT COUNT(*) " + inKill + " AND attempt = 2")).as("d's tasks ran again")
        .isEqualTo(orphans);
    for (String id : ids) {
      assertThat(cluster.task(node("a"), id).get("state").asText()).isEqualTo("completed");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.health(node("a")).at("/cluster/alive").asInt() == 4);
  }

  private static double discarded(ServerProcess node) throws Exception {
    return cluster.metrics(node).lines().filter(l -> l.startsWith("tasklane_discarded_outcomes_total "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(0);
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
}
