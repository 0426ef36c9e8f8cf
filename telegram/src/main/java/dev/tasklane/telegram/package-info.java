/**
 * The Telegram channel: long polling through TelegramBots, every update stored before the polling
 * offset moves, receipt at once, status messages edited within Telegram's limits, and every send
 * through the chat service's outbox. {@link dev.tasklane.telegram.TelegramBot} is the entry point;
 * docs/TELEGRAM.md describes setup, settings and guarantees.
 */
package dev.tasklane.telegram;
