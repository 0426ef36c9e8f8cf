package dev.tasklane.store;

/** The database failed (I/O, corruption, a bug in a statement): not the caller's fault. */
public class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
