package dev.tasklane.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tasklane.core.LaneConfig;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.core.TaskResult;
import dev.tasklane.engine.Lane;
import dev.tasklane.gateway.Gateway;
import dev.tasklane.gateway.GatewayConfig;
import dev.tasklane.gateway.GatewayServer;
import dev.tasklane.gateway.auth.AccessToken;
import dev.tasklane.gateway.auth.TokenRegistry;
import dev.tasklane.store.sqlite.SqliteDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server under load: the gateway with its default limits over a lane on a fresh SQLite file
 * (durable, synchronous=FULL), whose one handler, {@code noop}, completes at once. A session of
 * large tasks ({@link #BIG_SESSION}) is there for the slow readers to ask for.
 */
final class LoadServer implements AutoCloseable {
  static final String TOKEN = "load-test-token";
  static final String BIG_SESSION = "load:big";
  static final int BIG_TASKS = 16;

  private final Lane lane;
  private final GatewayServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  LoadServer(Path folder) {
    lane = Lane.builder()
        .database(SqliteDatabase.open(folder.resolve("tasklane.db")))
        // Clients here send far more than a chat would: the per-session cap on pending tasks is not
        // what is measured.
        .config(LaneConfig.defaults().toBuilder().maxPendingPerSession(100_000).build())
        .handler("noop", ctx -> TaskResult.empty())
        .start();
    for (int i = 0; i < BIG_TASKS; i++) {
      lane.submit(SubmitRequest.builder(BIG_SESSION, "noop")
          .input(JsonNodeFactory.instance.objectNode().put("text", "x".repeat(60_000)))
          .build());
    }
    TokenRegistry tokens = new TokenRegistry().add(TOKEN, AccessToken.admin("load"));
    server = GatewayServer.start(new Gateway(lane, null, null, tokens, GatewayConfig.defaults().withPort(0),
        Clock.systemUTC()));
  }

  int port() {
    return server.port();
  }

  Lane lane() {
    return lane;
  }

  /** A number from {@code /metrics}, or -1 if it is not there. */
  double metric(String name) throws Exception {
    String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  @Override
  public void close() {
    server.close();
    lane.close();
  }
}
