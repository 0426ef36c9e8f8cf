package dev.tasklane.telegram;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.telegram.telegrambots.meta.TelegramUrl;

/**
 * How the Telegram channel runs. {@link #builder(String)} starts from the documented defaults;
 * docs/TELEGRAM.md lists every setting.
 *
 * @param token the bot token from BotFather ({@code 123456:ABC...})
 * @param apiUrl the Bot API base URL ({@code https://api.telegram.org}, or a self-hosted Bot API server)
 * @param allow the user and chat ids allowed to use the bot; nobody else is
 * @param limits Telegram's flood limits as the channel keeps them
 * @param timing how long polls, requests and indicators last
 * @param documentOver results longer than this many characters are sent as a text file with a
 *     short summary (default 12,000)
 * @param receiptReaction the emoji set on a message as receipt (default 👀)
 */
public record TelegramConfig(String token, URI apiUrl, Allowlist allow, Limits limits,
    Timing timing, int documentOver, String receiptReaction) {
  /** Telegram's longest message text, in characters. */
  static final int MESSAGE_CHARS = 4096;

  public static final URI DEFAULT_API_URL = URI.create("https://api.telegram.org");

  public TelegramConfig {
    Objects.requireNonNull(allow, "allow");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(timing, "timing");
    Objects.requireNonNull(receiptReaction, "receiptReaction");
    if (token == null || !token.matches("\\d+:[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("the Telegram bot token must look like 123456:ABC-DEF... (from BotFather)");
    }
    telegramUrl(apiUrl); // checks it
    if (documentOver < MESSAGE_CHARS) {
      throw new IllegalArgumentException("documentOver must be at least " + MESSAGE_CHARS);
    }
  }

  /**
   * Telegram's flood limits as kept by the channel.
   *
   * @param messagesPerSecond sends and edits per second across all chats (Telegram: about 30)
   * @param editsPerChat edits of status messages per chat within {@code editWindow} (Telegram: about 20 a minute)
   * @param editWindow the window of {@code editsPerChat}
   * @param maxRetryAfterWait the longest wait for a 429's {@code retry_after} inside one call (default
   *     5 s); a longer wait hands the message back to the outbox, which tries again after it, so a long
   *     pause does not hold up the outbox's other channels
   */
  public record Limits(double messagesPerSecond, int editsPerChat, Duration editWindow, Duration maxRetryAfterWait) {
    public static final Limits TELEGRAM = new Limits(30, 20, Duration.ofMinutes(1), Duration.ofSeconds(5));

    public Limits {
      if (!(messagesPerSecond > 0)) throw new IllegalArgumentException("messagesPerSecond must be positive");
      if (editsPerChat < 1) throw new IllegalArgumentException("editsPerChat must be at least 1");
      positive(editWindow, "editWindow");
      positive(maxRetryAfterWait, "maxRetryAfterWait");
    }
  }

  /**
   * How long things last.
   *
   * @param pollTimeout how long one {@code getUpdates} waits for news (long polling; default 50 s)
   * @param requestTimeout how long a send, edit or other call may take before its outcome counts as
   *     unknown (default 30 s)
   * @param typingEvery how often the typing indicator is renewed while a chat has a running task
   *     (Telegram shows it for 5 s; default 4 s)
   * @param strangerReplyEvery a stranger is told the bot is private at most once per this (default 24 h)
   * @param updateRetention how long handled updates are kept (default 7 days)
   */
  public record Timing(Duration pollTimeout, Duration requestTimeout, Duration typingEvery,
      Duration strangerReplyEvery, Duration updateRetention) {
    public static final Timing DEFAULTS = new Timing(Duration.ofSeconds(50), Duration.ofSeconds(30),
        Duration.ofSeconds(4), Duration.ofHours(24), Duration.ofDays(7));

    public Timing {
      positive(pollTimeout, "pollTimeout");
      positive(requestTimeout, "requestTimeout");
      positive(typingEvery, "typingEvery");
      positive(strangerReplyEvery, "strangerReplyEvery");
      positive(updateRetention, "updateRetention");
    }
  }

  public static Builder builder(String token) {
    return new Builder(token);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The bot's numeric id: the part of the token before the colon. */
  public long botId() {
    return Long.parseLong(token.substring(0, token.indexOf(':')));
  }

  /** The base URL as TelegramBots takes it (scheme, host, port; a path is not supported). */
  public TelegramUrl telegramUrl() {
    return telegramUrl(apiUrl);
  }

  private static TelegramUrl telegramUrl(URI url) {
    if (url == null || url.getHost() == null) throw new IllegalArgumentException("the Bot API URL needs a host: " + url);
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("the Bot API URL must be http or https: " + url);
    }
    if (url.getPath() != null && !url.getPath().isEmpty() && !url.getPath().equals("/")) {
      throw new IllegalArgumentException("the Bot API URL cannot have a path (only scheme, host and port): " + url);
    }
    int port = url.getPort() > 0 ? url.getPort() : scheme.equals("https") ? 443 : 80;
    return new TelegramUrl(scheme, url.getHost(), port, false);
  }

  private static void positive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
  }

  /** Builder starting from the defaults. */
  public static final class Builder {
    private final String token;
    private URI apiUrl = DEFAULT_API_URL;
    private Allowlist allow = Allowlist.NOBODY;
    private Limits limits = Limits.TELEGRAM;
    private Timing timing = Timing.DEFAULTS;
    private int documentOver = 12_000;
    private String receiptReaction = "👀";

    private Builder(String token) {
      this.token = token;
    }

    private Builder(TelegramConfig c) {
      token = c.token;
      apiUrl = c.apiUrl;
      allow = c.allow;
      limits = c.limits;
      timing = c.timing;
      documentOver = c.documentOver;
      receiptReaction = c.receiptReaction;
    }

    public Builder apiUrl(URI v) { apiUrl = v; return this; }
    public Builder allow(Allowlist v) { allow = v; return this; }
    public Builder limits(Limits v) { limits = v; return this; }
    public Builder timing(Timing v) { timing = v; return this; }
    public Builder documentOver(int v) { documentOver = v; return this; }
    public Builder receiptReaction(String v) { receiptReaction = v; return this; }

    public TelegramConfig build() {
      return new TelegramConfig(token, apiUrl, allow, limits, timing, documentOver, receiptReaction);
    }
  }
}
