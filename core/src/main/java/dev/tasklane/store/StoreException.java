package dev.tasklane.store;

/** The database failed (I/O, corruption, a bug in a statement): not the caller's fault. */
public class StoreException extends RuntimeException {
  private final boolean outcomeUnknown;

  public StoreException(String message, Throwable cause) {
    this(message, cause, false);
  }

  public StoreException(String message, Throwable cause, boolean outcomeUnknown) {
    super(message, cause);
    this.outcomeUnknown = outcomeUnknown;
  }

  /**
   * True when the write may have been stored: the database failed while committing it. A caller
   * that retries should make the retry idempotent (an idempotency key finds the first one).
   */
  public boolean outcomeUnknown() {
    return outcomeUnknown;
  }
}
