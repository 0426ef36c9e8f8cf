package dev.tasklane.app;

import dev.tasklane.gateway.GatewayConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How {@code tasklane serve} runs.
 *
 * @param gateway host, port and the protocol's limits
 * @param tokensFile scoped tokens ({@code name secret prefix,...} per line); null = {@code <data>/tokens} if present
 * @param configFile agent profiles and settings; null = {@code <data>/tasklane.json} (or YAML) if present
 * @param envToken the admin token from {@code TASKLANE_TOKEN}, or null to keep one in the data folder
 * @param shutdownGrace how long running tasks may finish on shutdown before they go back to the queue
 * @param databaseUrl a PostgreSQL URL, or null for SQLite in the data folder
 * @param telegramToken the bot token from {@code --telegram-token} or {@code TASKLANE_TELEGRAM_TOKEN}, or null
 */
record ServeOptions(GatewayConfig gateway, Path dataDir, Path tokensFile, Path configFile, String envToken,
    Duration shutdownGrace, String databaseUrl, String telegramToken) {}
