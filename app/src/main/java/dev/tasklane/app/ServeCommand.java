package dev.tasklane.app;

import dev.tasklane.gateway.GatewayConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin NodeOptions node;

  @Option(names = "--no-workers",
      description = "Run no tasks here: this node takes requests, and the other nodes on its database run them.")
  boolean noWorkers;

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

  @Override
  public Integer call() throws Exception {
    GatewayConfig gateway = GatewayConfig.defaults().withHost(host).withPort(port).withMaxRequestBytes(maxRequestBytes)
        .withRateLimit(rateLimit, (int) Math.max(1, Math.ceil(rateLimit * 2)))
        .withSendBuffers(new GatewayConfig.SendBuffers(sendBufferPerConnection, sendBufferTotal,
            GatewayConfig.SendBuffers.defaults().closeGrace()))
        .withAuthFailuresPerMinute(authFailuresPerMinute);
    Server server = Server.start(node.serveOptions(gateway, true, !noWorkers));
    PrintWriter out = spec.commandLine().getOut();
    return Server.runUntilStopped(server, out, () -> banner(server, out));
  }

  private void banner(Server server, PrintWriter out) {
    AdminToken t = server.adminToken();
    out.println("Tasklane is listening on " + server.baseUrl());
    out.println("Database: " + DatabaseUrl.describe(node.database, node.data));
    out.println(server.nodeLine());
    if (t.fromEnvironment()) {
      out.println("Web chat: " + server.baseUrl() + "/#token=<your TASKLANE_TOKEN>");
    } else {
      out.println("Web chat: " + server.baseUrl() + "/#token=" + t.secret());
      out.println("Admin token " + (t.generated() ? "created in " : "read from ") + t.source(node.data));
    }
    server.telegram().ifPresent(bot -> out.println("Telegram bot: on, "
        + (bot.allow().isEmpty() ? "but nobody is allowed yet: set TASKLANE_TELEGRAM_ALLOW to your user id"
            : "allowed ids " + bot.allow().ids())));
    out.println("Stop with Ctrl-C: running tasks get " + node.shutdownGrace.toSeconds() + " s to finish.");
    out.flush();
  }
}
