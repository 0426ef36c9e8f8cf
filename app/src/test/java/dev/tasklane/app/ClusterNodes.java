package dev.tasklane.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasklane.gateway.api.Json;
import dev.tasklane.store.postgres.EmbeddedPostgresServer;
import dev.tasklane.store.postgres.PostgresOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Nodes of one cluster as child JVMs: {@code tasklane serve} or {@code worker} processes on one fresh
 * schema of the test JVM's embedded PostgreSQL, each with a data folder of its own, short leases
 * unless told otherwise; and an HTTP client to talk to any of them.
 */
final class ClusterNodes implements AutoCloseable {
  final Path dir;
  final PostgresOptions schema;
  final String databaseUrl;
  final Map<String, ServerProcess> nodes = new LinkedHashMap<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private Function<String, String> config = node -> null;
  final HttpClient http = HttpClient.newHttpClient();
  private String token;

  ClusterNodes(Path dir) {
    this.dir = dir;
    EmbeddedPostgresServer pg = EmbeddedPostgresServer.shared();
    this.schema = pg.freshSchema();
    this.databaseUrl = pg.url(schema);
    env.put("TASKLANE_DATABASE_URL", databaseUrl);
  }

  /** Sets an environment variable of every node started from now on. */
  ClusterNodes env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Gives each node started from now on the configuration file {@code configFor} returns for its id. */
  ClusterNodes configure(Function<String, String> configFor) {
    this.config = configFor;
    return this;
  }

  /** Starts {@code tasklane serve} nodes in parallel, each {@code --node-id} its name. */
  List<ServerProcess> serve(List<String> ids, String... flags) throws Exception {
    return start("serve", ids, flags);
  }

  List<ServerProcess> start(String command, List<String> ids, String... flags) throws Exception {
    List<Callable<ServerProcess>> starts = new ArrayList<>();
    for (String id : ids) starts.add(() -> startOne(command, id, flags));
    List<ServerProcess> out = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<ServerProcess>> started = pool.invokeAll(starts);
      for (int i = 0; i < ids.size(); i++) {
        ServerProcess p = started.get(i).get();
        synchronized (nodes) {
          nodes.put(ids.get(i), p);
        }
        out.add(p);
      }
    }
    return out;
  }

  private ServerProcess startOne(String command, String id, String... flags) throws Exception {
    List<String> args = new ArrayList<>(List.of("--node-id", id));
    if (!List.of(flags).contains("--lease")) args.addAll(List.of("--lease", "3s"));
    if (!List.of(flags).contains("--heartbeat")) args.addAll(List.of("--heartbeat", "500ms"));
    args.addAll(List.of(flags));
    Path data = Files.createDirectories(dir.resolve(id));
    String text = config.apply(id);
    if (text != null) Files.writeString(data.resolve("tasklane.json"), text);
    return ServerProcess.start(command, data, env, args.toArray(String[]::new));
  }

  ServerProcess node(String id) {
    return nodes.get(id);
  }

  /** The admin token every node accepts (each keeps it in its data folder). */
  String token() throws Exception {
    if (token == null) token = AdminToken.read(dir.resolve(nodes.keySet().iterator().next()).resolve(AdminToken.FILE));
    return token;
  }

  /** {@code POST /v1/tasks} of an exec task running {@code sh -c script} (with {@code $0} = {@code arg}). */
  JsonNode submitShell(ServerProcess node, String session, String script, String arg) throws Exception {
    ObjectNode input = Json.object();
    input.putArray("command").add("sh").add("-c").add(script).add(arg);
    return submit(node, session, "exec", input);
  }

  JsonNode submit(ServerProcess node, String session, String kind, JsonNode input) throws Exception {
    ObjectNode body = Json.object().put("sessionKey", session).put("kind", kind);
    body.set("input", input);
    HttpResponse<String> r = post(node, "/v1/tasks", Json.write(body));
    if (r.statusCode() != 201) throw new AssertionError("submit answered " + r.statusCode() + ": " + r.body());
    return Json.parse(r.body());
  }

  JsonNode task(ServerProcess node, String id) throws Exception {
    return Json.parse(get(node, "/v1/tasks/" + id).body());
  }

  JsonNode cancel(ServerProcess node, String id) throws Exception {
    return Json.parse(post(node, "/v1/tasks/" + id + "/cancel", "").body());
  }

  JsonNode health(ServerProcess node) throws Exception {
    return Json.parse(get(node, "/healthz").body());
  }

  String metrics(ServerProcess node) throws Exception {
    return get(node, "/metrics").body();
  }

  HttpResponse<String> get(ServerProcess node, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(node.url + path)).header("Authorization", "Bearer " + token())
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(ServerProcess node, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(node.url + path)).header("Authorization", "Bearer " + token())
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** One number from the database, for what the API does not show. */
  long count(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(schema.jdbcUrl()); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The first column of every row of {@code sql}, as text: what a failed assertion shows. */
  List<String> texts(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(schema.jdbcUrl()); ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) out.add(rs.getString(1));
    }
    return out;
  }

  /** A line per task run, written by the task's own command: counted outside the database. */
  Path runs() throws Exception {
    Path f = dir.resolve("runs.log");
    if (!Files.exists(f)) Files.createFile(f);
    return f;
  }

  @Override
  public void close() {
    nodes.values().forEach(ServerProcess::close);
    if (Boolean.getBoolean("cluster.dump")) {
      nodes.forEach((id, p) -> {
        System.out.println("==== node " + id);
        p.output().lines().filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("Exception")
            || l.contains("lost") || l.contains("refused") || l.contains("task")).limit(80).forEach(System.out::println);
      });
    }
  }
}
