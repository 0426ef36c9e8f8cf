package dev.tasklane.telegram;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The channel's counters, in the server's {@code /metrics}. */
final class TelegramMetrics {
  private final MeterRegistry registry;
  private final Counter updates;
  private final Counter rateLimited;

  TelegramMetrics(MeterRegistry registry) {
    this.registry = registry;
    updates = Counter.builder("tasklane_telegram_updates").description("Updates received from Telegram and stored")
        .register(registry);
    rateLimited = Counter.builder("tasklane_telegram_rate_limited")
        .description("Calls Telegram answered with 429 Too Many Requests").register(registry);
    outcomeUnknown("sendMessage"); // shown as 0 from the start, so an alert can watch it
    outcomeUnknown("sendDocument");
  }

  void updatesStored(int n) {
    updates.increment(n);
  }

  void rateLimited() {
    rateLimited.increment();
  }

  /**
   * The counter of sends whose request was written but whose answer never came (timeout, connection
   * lost): such a send is made again, so the chat may show it twice.
   */
  Counter outcomeUnknown(String method) {
    return Counter.builder("tasklane_telegram_send_outcome_unknown")
        .description("Sends whose outcome is unknown (the request was written, no answer came); sent again")
        .tag("method", method).register(registry);
  }

  /** A call Telegram refused for good (400, 403): the message is given up. */
  void refused(String method) {
    Counter.builder("tasklane_telegram_refused").description("Calls Telegram refused for good (400, 403)")
        .tag("method", method).register(registry).increment();
  }
}
