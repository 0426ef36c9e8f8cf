package dev.tasklane.app;

import dev.tasklane.core.LaneConfig;
import dev.tasklane.gateway.GatewayConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a node runs ({@code tasklane serve} or {@code tasklane worker}).
 *
 * @param files the data folder, the tokens file and the configuration file
 * @param envToken the admin token from {@code TASKLANE_TOKEN}, or null to keep one in the data folder
 *     (and, on PostgreSQL, in the database, so that every node has the same)
 * @param databaseUrl a PostgreSQL URL, or null for SQLite in the data folder
 * @param telegramToken the bot token from {@code --telegram-token} or {@code TASKLANE_TELEGRAM_TOKEN}, or null
 * @param lane the node's id, workers, lease and heartbeat
 * @param shutdownGrace how long running tasks may finish on shutdown before they go back to the queue
 * @param http host, port and the protocol's limits: of the API ({@code serve}), or of the admin port
 *     serving only {@code /healthz} and {@code /metrics} ({@code worker})
 * @param api true when the node serves the API and the web chat; false for a worker
 */
record ServeOptions(Files files, String envToken, String databaseUrl, String telegramToken, LaneConfig lane,
    Duration shutdownGrace, GatewayConfig http, boolean api) {

  /**
   * @param tokensFile scoped tokens ({@code name secret prefix,...} per line); null = {@code <data>/tokens} if present
   * @param configFile agent profiles and settings; null = {@code <data>/tasklane.json} (or YAML) if present
   */
  record Files(Path dataDir, Path tokensFile, Path configFile) {}

  Path dataDir() {
    return files.dataDir();
  }

  Path tokensFile() {
    return files.tokensFile();
  }

  Path configFile() {
    return files.configFile();
  }
}
