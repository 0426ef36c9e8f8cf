package dev.tasklane.telegram;

import dev.tasklane.chat.DeliveryException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Set;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/**
 * Every call to the Bot API goes through here: it waits for the flood limits, honours a 429's
 * {@code retry_after} for every caller, and sorts failures into what the chat service acts on.
 *
 * <ul>
 *   <li>429: every call pauses for {@code retry_after}; a call waits out the pause and is made again
 *       when that fits within {@link TelegramConfig.Limits#maxRetryAfterWait}, else it fails at once
 *       with a {@link DeliveryException#retryAfter} so the outbox tries again after the pause,
 *       without holding up its other work.
 *   <li>400, 403, 404: a {@link DeliveryException#permanent} with Telegram's description (chat not
 *       found, bot blocked by the user, message to edit not found): trying again cannot help.
 *   <li>5xx and network errors: a plain {@link TelegramFailure}, retried with the outbox's backoff.
 *       When the request may have reached Telegram (it was written, the answer never came), a send
 *       is counted in {@code tasklane_telegram_send_outcome_unknown}: trying again may show it twice.
 * </ul>
 */
final class BotApi {
  private static final Set<String> SENDS = Set.of("sendMessage", "sendDocument");

  /** How a call counts against the limits. */
  enum Cost {
    /** A send or an edit: counts against the global message rate. */
    MESSAGE,
    /** An indicator or an answer (typing, reaction, callback answer): only a 429's pause holds it. */
    CALL
  }

  /** One request to Telegram. */
  @FunctionalInterface
  interface Request<T> {
    T run() throws TelegramApiException;
  }

  /** A failure worth trying again: a server error, or the network. */
  static final class TelegramFailure extends Exception {
    private static final long serialVersionUID = 1L;

    TelegramFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final RateLimits limits;
  private final TelegramMetrics metrics;
  private final Duration maxRetryAfterWait;

  BotApi(RateLimits limits, TelegramMetrics metrics, Duration maxRetryAfterWait) {
    this.limits = limits;
    this.metrics = metrics;
    this.maxRetryAfterWait = maxRetryAfterWait;
  }

  <T> T call(String method, Cost cost, Request<T> request)
      throws DeliveryException, TelegramFailure, InterruptedException {
    Duration waited = Duration.ZERO;
    while (true) {
      Duration paused = limits.pauseLeft();
      if (paused.compareTo(maxRetryAfterWait.minus(waited)) > 0) {
        throw DeliveryException.retryAfter(paused, method + ": waiting out Telegram's retry_after");
      }
      waited = waited.plus(paused);
      if (cost == Cost.MESSAGE) limits.awaitMessage();
      else limits.awaitCall();
      try {
        return request.run();
      } catch (TelegramApiRequestException e) {
        Integer code = e.getErrorCode();
        String why = method + ": " + (code == null ? "" : code + " ") + e.getApiResponse();
        if (code != null && code == 429) {
          Duration after = retryAfter(e);
          limits.pause(after);
          metrics.rateLimited();
          if (waited.plus(after).compareTo(maxRetryAfterWait) <= 0) continue; // the pause is waited out above
          throw DeliveryException.retryAfter(after, why);
        }
        if (code != null && code >= 400 && code < 500) {
          metrics.refused(method);
          throw DeliveryException.permanent(why);
        }
        throw new TelegramFailure(why, e);
      } catch (TelegramApiException e) {
        Throwable cause = e.getCause();
        if (cause instanceof InterruptedException) throw new InterruptedException(method + " was interrupted");
        if (SENDS.contains(method) && mayHaveArrived(cause)) metrics.outcomeUnknown(method).increment();
        throw new TelegramFailure(method + " failed: " + (cause == null ? e.getMessage() : cause.toString()), e);
      }
    }
  }

  /**
   * False only when the request surely never reached Telegram (no connection was made); a timeout
   * or a connection lost after the request was written leaves the outcome unknown.
   */
  static boolean mayHaveArrived(Throwable cause) {
    if (!(cause instanceof IOException)) return cause != null;
    if (cause instanceof ConnectException || cause instanceof UnknownHostException
        || cause instanceof NoRouteToHostException) {
      return false;
    }
    String message = String.valueOf(cause.getMessage());
    return !message.contains("connect timed out") && !message.startsWith("Failed to connect");
  }

  private static Duration retryAfter(TelegramApiRequestException e) {
    Integer seconds = e.getParameters() == null ? null : e.getParameters().getRetryAfter();
    return Duration.ofSeconds(seconds == null || seconds < 1 ? 1 : seconds);
  }
}
