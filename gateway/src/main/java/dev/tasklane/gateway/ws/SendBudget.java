package dev.tasklane.gateway.ws;

import dev.tasklane.gateway.GatewayConfig;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes handed to the WebSocket for sending and not yet written to the socket, per connection and
 * for the whole server. The WebSocket queues whatever it is given; without a cap, a client that
 * reads slower than the server writes (or not at all) makes the server hold everything meant for
 * it, until memory runs out for every client.
 *
 * <p>A frame is queued while its connection has less than its cap waiting (so one answer larger than
 * the cap still reaches a client that reads); a frame that finds the connection at or past its cap,
 * or past {@link #MAX_FRAMES} frames, finds it too far behind: the connection is closed. When all
 * connections together pass the server's cap, the one with the most waiting is dropped at once.
 */
final class SendBudget {
  /** Frames waiting for one connection beyond which it is too far behind, however small they are. */
  static final int MAX_FRAMES = 10_000;

  /** What a connection does when it falls too far behind. */
  interface Owner {
    /**
     * Stops sending anything new and closes with {@code reason}; {@code dropNow} drops the socket at
     * once rather than giving the client {@link GatewayConfig.SendBuffers#closeGrace} to read first.
     *
     * @return true the first time, false when the connection was already closing
     */
    boolean tooFarBehind(String reason, boolean dropNow);
  }

  private final GatewayConfig.SendBuffers limits;
  private final ScheduledExecutorService timer;
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong closedBehind = new AtomicLong();
  private final Set<Backlog> backlogs = ConcurrentHashMap.newKeySet();

  SendBudget(GatewayConfig.SendBuffers limits, ScheduledExecutorService timer) {
    this.limits = limits;
    this.timer = timer;
  }

  /** Bytes waiting to be sent, all connections together. */
  long waitingBytes() {
    return total.get();
  }

  /** Connections closed so far for falling too far behind. */
  long closedBehind() {
    return closedBehind.get();
  }

  Backlog open(Owner owner) {
    Backlog b = new Backlog(owner);
    backlogs.add(b);
    return b;
  }

  /** Runs {@code drop} once the close grace has passed. */
  void afterCloseGrace(Runnable drop) {
    timer.schedule(drop, limits.closeGrace().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** UTF-8 bytes of {@code text}, without encoding it. */
  static long utf8Length(String text) {
    long n = text.length();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) continue;
      if (c < 0x800) n += 1;
      else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        n += 2; // four bytes for the pair's two chars
        i++;
      } else n += 2;
    }
    return n;
  }

  private void overServerCap() {
    backlogs.stream().max(Comparator.comparingLong(Backlog::waitingBytes)).ifPresent(most -> most.tooFarBehind(
        "server send buffers full (" + limits.perServer() + " bytes) and this client furthest behind; reconnect",
        true));
  }

  /** One connection's share. */
  final class Backlog {
    private final Owner owner;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger frames = new AtomicInteger();

    private Backlog(Owner owner) {
      this.owner = owner;
    }

    long waitingBytes() {
      return bytes.get();
    }

    /**
     * Counts a frame of {@code size} bytes about to be queued; false, counting nothing, when the
     * connection is too far behind (its owner has then been told).
     */
    boolean reserve(long size) {
      if (bytes.get() >= limits.perConnection() || frames.get() >= MAX_FRAMES) {
        tooFarBehind("too far behind: over " + limits.perConnection() + " bytes or " + MAX_FRAMES
            + " frames unread; reconnect and resume", false);
        return false;
      }
      bytes.addAndGet(size);
      frames.incrementAndGet();
      if (total.addAndGet(size) > limits.perServer()) overServerCap();
      return true;
    }

    private void tooFarBehind(String reason, boolean dropNow) {
      if (owner.tooFarBehind(reason, dropNow)) closedBehind.incrementAndGet();
    }

    /** A frame counted by {@link #reserve} was written to the socket, or will never be. */
    void release(long size) {
      bytes.addAndGet(-size);
      frames.decrementAndGet();
      total.addAndGet(-size);
    }

    /** The connection is gone; frames still counted are released as the WebSocket fails them. */
    void close() {
      backlogs.remove(this);
    }
  }
}
