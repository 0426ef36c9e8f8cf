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

  @Option(names = "--send-buffer-per-connection", defaultValue = "4194304",
      description = "Bytes waiting to be sent to one WebSocket client beyond which it is closed as too slow "
          + "(default ${DEFAULT-VALUE}).")
  long sendBufferPerConnection;

  @Option(names = "--send-buffer-total", defaultValue = "67108864",
      description = "Bytes waiting to be sent to all WebSocket clients together beyond which the one furthest "
          + "behind is dropped (default ${DEFAULT-VALUE}).")
  long sendBufferTotal;

  @Option(names = "--auth-failures-per-minute", defaultValue = "20",
      description = "Failed authentications per minute from one address before it gets rate_limited, 0 = no limit "
          + "(default ${DEFAULT-VALUE}).")
  int authFailuresPerMinute;

  @Option(names = "--shutdown-grace", defaultValue = "30s", converter = Durations.class,
      description = "How long running tasks may finish on shutdown (default ${DEFAULT-VALUE}).")
  Duration shutdownGrace;

  @Option(names = "--telegram-token", defaultValue = "${env:TASKLANE_TELEGRAM_TOKEN}",
      description = "Telegram bot token from BotFather: runs the Telegram bot (env TASKLANE_TELEGRAM_TOKEN, "
          + "or telegram.token in the configuration file). See docs/TELEGRAM.md.")
  String telegramToken;

  @Override
  public Integer call() throws Exception {
    GatewayConfig gateway = GatewayConfig.defaults().withHost(host).withPort(port).withMaxRequestBytes(maxRequestBytes)
        .withRateLimit(rateLimit, (int) Math.max(1, Math.ceil(rateLimit * 2)))
        .withSendBuffers(new GatewayConfig.SendBuffers(sendBufferPerConnection, sendBufferTotal,
            GatewayConfig.SendBuffers.defaults().closeGrace()))
        .withAuthFailuresPerMinute(authFailuresPerMinute);
    ServeOptions options = new ServeOptions(gateway, data, tokens, config, System.getenv("TASKLANE_TOKEN"),
        shutdownGrace, database, telegramToken);
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
    server.telegram().ifPresent(bot -> out.println("Telegram bot: on, "
        + (bot.allow().isEmpty() ? "but nobody is allowed yet: set TASKLANE_TELEGRAM_ALLOW to your user id"
            : "allowed ids " + bot.allow().ids())));
    out.println("Stop with Ctrl-C: running tasks get " + shutdownGrace.toSeconds() + " s to finish.");
    out.flush();
  }
}
