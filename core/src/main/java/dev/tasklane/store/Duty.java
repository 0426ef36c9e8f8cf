package dev.tasklane.store;

/**
 * Work that one process at a time does among those sharing a database, such as polling Telegram
 * ({@link Database#elect}). Both methods are called on the election's own thread, never at once.
 */
public interface Duty {
  /** This process took the duty: start doing it. */
  void start();

  /** This process no longer holds the duty (it lost its connection, or it closes): stop doing it. */
  void stop();
}
