package dev.tasklane.app;

import dev.tasklane.gateway.GatewayConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tasklane serve}: runs the server until SIGTERM or SIGINT, then shuts down gracefully. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the server: HTTP + WebSocket API, web chat; SQLite in the data folder or PostgreSQL.")
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--host", defaultValue = "${env:TASKLANE_HOST:-127.0.0.1}",
      description = "Interface to listen on (env TASKLANE_HOST, default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "${env:TASKLANE_PORT:-7070}",
      description = "TCP port, 0 for any free one (env TASKLANE_PORT, default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--data", defaultValue = "${env:TASKLANE_DATA:-data}",
      description = "Data folder: database, admin token (env TASKLANE_DATA, default ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--database", defaultValue = "${env:TASKLANE_DATABASE_URL}",
      description = "PostgreSQL to keep everything in, postgresql://user:password@host:5432/db "
          + "(env TASKLANE_DATABASE_URL, default SQLite in the data folder).")
  String database;

  @Option(names = "--tokens", defaultValue = "${env:TASKLANE_TOKENS}",
      description = "File of scoped tokens, one 'name secret prefix[,prefix...] [role]' per line "
          + "(env TASKLANE_TOKENS, default <data>/tokens if it exists).")
  Path tokens;

  @Option(names = "--config", defaultValue = "${env:TASKLANE_CONFIG}",
      description = "Configuration file: agents and access (env TASKLANE_CONFIG, default <data>/tasklane.json "
          + "or .yaml if present).")
  Path config;

  @Option(names = "--rate-limit", defaultValue = "50",
      description = "Requests per second per WebSocket connection or per token on HTTP, 0 = no limit "
          + "(bursts of twice as many; default ${DEFAULT-VALUE}).")
  double rateLimit;

  @Option(names = "--max-request-bytes", defaultValue = "65536",
      description = "Largest WebSocket request or HTTP body; larger ones get too_large (default ${DEFAULT-VALUE}).")
  int maxRequestBytes;

  @Option(names = "--shutdown-grace", defaultValue = "30s", converter = Durations.class,
      description = "How long running tasks may finish on shutdown (default ${DEFAULT-VALUE}).")
  Duration shutdownGrace;

  @Override
  public Integer call() throws Exception {
    GatewayConfig gateway = GatewayConfig.defaults().withHost(host).withPort(port).withMaxRequestBytes(maxRequestBytes)
        .withRateLimit(rateLimit, (int) Math.max(1, Math.ceil(rateLimit * 2)));
    ServeOptions options = new ServeOptions(gateway, data, tokens, config, System.getenv("TASKLANE_TOKEN"),
        shutdownGrace, database);
    Server server = Server.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    PrintWriter out = spec.commandLine().getOut();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      out.println("Stopping: no new connections; running tasks get " + shutdownGrace.toSeconds() + " s to finish.");
      out.flush();
      server.close();
      out.println("Tasklane stopped.");
      out.flush();
      stopped.countDown();
    }, "tasklane-shutdown"));
    banner(server, out);
    stopped.await();
    return 0;
  }

  private void banner(Server server, PrintWriter out) {
    AdminToken t = server.adminToken();
    out.println("Tasklane is listening on " + server.baseUrl());
    out.println("Database: " + DatabaseUrl.describe(database, data));
    if (t.fromEnvironment()) {
      out.println("Web chat: " + server.baseUrl() + "/#token=<your TASKLANE_TOKEN>");
    } else {
      out.println("Web chat: " + server.baseUrl() + "/#token=" + t.secret());
      out.println("Admin token " + (t.generated() ? "created in " : "read from ") + data.resolve(AdminToken.FILE));
    }
    out.println("Stop with Ctrl-C: running tasks get " + shutdownGrace.toSeconds() + " s to finish.");
    out.flush();
  }
}
