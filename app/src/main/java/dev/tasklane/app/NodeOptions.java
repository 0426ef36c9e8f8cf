package dev.tasklane.app;

import dev.tasklane.core.LaneConfig;
import dev.tasklane.gateway.GatewayConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Option;

/**
 * What {@code tasklane serve} and {@code tasklane worker} share: where the data and the database are,
 * the configuration, and how this node takes part in running tasks. On several machines the
 * database URL is the one setting every node needs to agree on.
 */
final class NodeOptions {
  @Option(names = "--data", defaultValue = "${env:TASKLANE_DATA:-data}",
      description = "Data folder: database, admin token (env TASKLANE_DATA, default ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--database", defaultValue = "${env:TASKLANE_DATABASE_URL}",
      description = "PostgreSQL to keep everything in, postgresql://user:password@host:5432/db; every node "
          + "given the same URL works as one (env TASKLANE_DATABASE_URL, default SQLite in the data folder).")
  String database;

  @Option(names = "--tokens", defaultValue = "${env:TASKLANE_TOKENS}",
      description = "File of scoped tokens, one 'name secret prefix[,prefix...] [role]' per line "
          + "(env TASKLANE_TOKENS, default <data>/tokens if it exists).")
  Path tokens;

  @Option(names = "--config", defaultValue = "${env:TASKLANE_CONFIG}",
      description = "Configuration file: agents, access and chat settings (env TASKLANE_CONFIG, default "
          + "<data>/tasklane.json or .yaml if present).")
  Path config;

  @Option(names = "--shutdown-grace", defaultValue = "30s", converter = Durations.class,
      description = "How long running tasks may finish on shutdown (default ${DEFAULT-VALUE}).")
  Duration shutdownGrace;

  @Option(names = "--telegram-token", defaultValue = "${env:TASKLANE_TELEGRAM_TOKEN}",
      description = "Telegram bot token from BotFather: runs the Telegram bot (env TASKLANE_TELEGRAM_TOKEN, "
          + "or telegram.token in the configuration file). See docs/TELEGRAM.md.")
  String telegramToken;

  @Option(names = "--node-id", defaultValue = "${env:TASKLANE_NODE_ID}",
      description = "This node's name in leases and the cluster view (env TASKLANE_NODE_ID, default "
          + "<host name>-<4 random hex digits>).")
  String nodeId;

  @Option(names = "--workers", defaultValue = "${env:TASKLANE_WORKERS:-4}",
      description = "Tasks this node runs at once (env TASKLANE_WORKERS, default ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--lease", defaultValue = "${env:TASKLANE_LEASE:-30s}", converter = Durations.class,
      description = "How long a node's claim on a running task holds without renewal: a node that dies has its "
          + "tasks taken over by others after this (env TASKLANE_LEASE, default ${DEFAULT-VALUE}).")
  Duration lease;

  @Option(names = "--heartbeat", defaultValue = "${env:TASKLANE_HEARTBEAT:-10s}", converter = Durations.class,
      description = "How often a node renews its leases and its row in the cluster view; shorter than --lease "
          + "(env TASKLANE_HEARTBEAT, default ${DEFAULT-VALUE}).")
  Duration heartbeat;

  /** How the node runs; {@code runsTasks} false gives it no workers. */
  ServeOptions serveOptions(GatewayConfig http, boolean api, boolean runsTasks) {
    return new ServeOptions(new ServeOptions.Files(data, tokens, config), System.getenv("TASKLANE_TOKEN"), database,
        telegramToken, laneConfig(runsTasks), shutdownGrace, http, api);
  }

  /** The lane's settings for this node; {@code runsTasks} false gives it no workers. */
  LaneConfig laneConfig(boolean runsTasks) {
    if (workers < 0) throw new IllegalArgumentException("--workers must be 0 or more");
    if (heartbeat.compareTo(lease) >= 0) {
      throw new IllegalArgumentException("--heartbeat (" + heartbeat.toSeconds() + " s) must be shorter than --lease ("
          + lease.toSeconds() + " s)");
    }
    return LaneConfig.defaults().toBuilder().nodeId(nodeId == null || nodeId.isBlank() ? defaultNodeId() : nodeId.strip())
        .concurrency(runsTasks ? workers : 0).leaseDuration(lease).heartbeatInterval(heartbeat).build();
  }

  /** The host's name and a few random digits: readable in the cluster view, unique across restarts. */
  static String defaultNodeId() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        host = "node";
      }
    }
    return host + "-" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt()).substring(0, 4);
  }
}
