package dev.tasklane.app;

import dev.tasklane.gateway.GatewayConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tasklane worker}: a node that runs tasks and the background work (maintenance, chat
 * delivery, schedules, the Telegram bot) on a database shared with {@code tasklane serve} nodes, and
 * serves no API: only {@code /healthz} and {@code /metrics} on a small admin port.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = "Run tasks for the nodes sharing a PostgreSQL database; no API, only /healthz and /metrics "
        + "on an admin port.")
final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin NodeOptions node;

  @Option(names = "--admin-host", defaultValue = "${env:TASKLANE_ADMIN_HOST:-127.0.0.1}",
      description = "Interface of /healthz and /metrics (env TASKLANE_ADMIN_HOST, default ${DEFAULT-VALUE}).")
  String adminHost;

  @Option(names = "--admin-port", defaultValue = "${env:TASKLANE_ADMIN_PORT:-7071}",
      description = "Port of /healthz and /metrics, 0 for any free one (env TASKLANE_ADMIN_PORT, "
          + "default ${DEFAULT-VALUE}).")
  int adminPort;

  @Override
  public Integer call() throws Exception {
    if (node.database == null || node.database.isBlank()) {
      throw new IllegalArgumentException("a worker runs the tasks of nodes sharing a PostgreSQL database: give it "
          + "--database or TASKLANE_DATABASE_URL (with SQLite, `tasklane serve` runs the tasks itself)");
    }
    GatewayConfig admin = GatewayConfig.defaults().withHost(adminHost).withPort(adminPort);
    Server server = Server.start(node.serveOptions(admin, false, true));
    PrintWriter out = spec.commandLine().getOut();
    return Server.runUntilStopped(server, out, () -> {
      out.println("Tasklane worker is running; health on " + server.baseUrl() + "/healthz");
      out.println("Database: " + DatabaseUrl.describe(node.database, node.data));
      out.println(server.nodeLine());
      out.println("Stop with Ctrl-C: running tasks get " + node.shutdownGrace.toSeconds() + " s to finish.");
      out.flush();
    });
  }
}
