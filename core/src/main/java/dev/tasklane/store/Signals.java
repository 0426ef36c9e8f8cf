package dev.tasklane.store;

import java.sql.SQLException;

/**
 * Short messages between the processes that share a database (PostgreSQL's {@code LISTEN/NOTIFY}):
 * sent inside a transaction, delivered to every listening process (the sender's too) once it
 * commits, in commit order, and never if it rolls back.
 *
 * <p>A signal is a hint, never the truth: a listener reads what changed from the tables. Signals
 * sent while a process had lost its connection are not delivered to it; it is told so through
 * {@link Listener#reconnected}, and then reads whatever it may have missed.
 */
public interface Signals {
  /** Submits that any idle worker may claim; payload: the sending node's id. */
  String WAKE = "tasklane_wake";
  /** Running tasks whose cancel was requested; payload: the task's id. */
  String CANCEL = "tasklane_cancel";
  /** Task events committed; payload: the highest event id of the transaction. Sent by the store itself. */
  String EVENTS = "tasklane_events";

  /** The most a payload may hold, in bytes (PostgreSQL's limit is just under 8,000). */
  int MAX_PAYLOAD_BYTES = 7_000;

  /** Sends {@code payload} on {@code channel} when {@code tx} commits. */
  void send(Tx tx, String channel, String payload) throws SQLException;

  /**
   * Calls {@code listener} for every signal on {@code channel} from now on (this returns once the
   * database listens), on the one thread that delivers all signals: keep it short.
   */
  AutoCloseable listen(String channel, Listener listener);

  /** What a process does with signals. */
  interface Listener {
    void signal(String payload);

    /** The connection was lost and is back: signals sent in between were missed. */
    default void reconnected() {}
  }
}
