package dev.tasklane.telegram;

import dev.tasklane.telegram.FakeBotApi.Call;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Calls of the test Bot API held in flight, those {@link #hold} names, each until {@link #release}
 * decides whether it takes effect: the request of a bot caught mid-call.
 */
final class HeldCalls {
  private static final long LONGEST_HOLD_MINUTES = 2;

  /** One held call and the decision it waits for. */
  private static final class Held {
    final Call call;
    final CountDownLatch decided = new CountDownLatch(1);
    volatile boolean takesEffect;

    Held(Call call) {
      this.call = call;
    }
  }

  private final List<Held> held = new ArrayList<>();
  /** Which calls to hold; null: none. */
  private Predicate<Call> holding;

  synchronized void hold(Predicate<Call> which) {
    holding = which;
  }

  synchronized List<Call> held() {
    return held.stream().map(h -> h.call).toList();
  }

  /** Stops holding; the held calls of the nodes {@code takesEffect} accepts go on, the others are dropped. */
  synchronized void release(Predicate<String> takesEffect) {
    holding = null;
    for (Held h : held) {
      h.takesEffect = takesEffect.test(h.call.node());
      h.decided.countDown();
    }
    held.clear();
  }

  /** Lets a call go on at once, or holds it until released: true when it is to take effect. */
  boolean pass(Call call) {
    Held h = new Held(call);
    synchronized (this) {
      if (holding == null || !holding.test(call)) return true;
      held.add(h);
    }
    try {
      return h.decided.await(LONGEST_HOLD_MINUTES, TimeUnit.MINUTES) && h.takesEffect;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
