package dev.tasklane.gateway.auth;

import dev.tasklane.core.ErrorCode;
import dev.tasklane.core.LaneException;
import dev.tasklane.gateway.api.RateLimiter;
import dev.tasklane.gateway.api.RetryLater;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Failed authentications per client address. An address may fail {@code perMinute} times in a burst,
 * then once every {@code 60 / perMinute} seconds; past that it is locked: it gets {@code rate_limited}
 * (with how long to wait) instead of {@code unauthorized}, and while locked a token is accepted from
 * it only if it was accepted from it before. So someone guessing tokens cannot tell a right guess
 * from a wrong one, while the clients already using their tokens from that address (on a shared
 * machine, every local client has the same address) go on unaffected.
 *
 * <p>At most {@link #ADDRESSES} addresses are remembered, the least recently seen forgotten first.
 */
final class AuthFailures {
  static final int ADDRESSES = 10_000;

  private final double perMinute;
  private final Clock clock;
  private final Map<String, Address> addresses = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Address> eldest) {
      return size() > ADDRESSES;
    }
  };

  /** {@code perMinute} of 0 means no limit. */
  AuthFailures(int perMinute, Clock clock) {
    this.perMinute = perMinute;
    this.clock = clock;
  }

  /** What one address did: its failures left, and the names of the tokens accepted from it. */
  private final class Address {
    final RateLimiter failures = new RateLimiter(perMinute / 60.0, (int) perMinute, clock);
    final Set<String> accepted = new HashSet<>();
  }

  /**
   * Runs {@code authenticate} (which throws {@code unauthorized} for a missing or unknown token) for a
   * request from {@code address}, counting its failures.
   */
  AccessToken authenticate(String address, Supplier<AccessToken> authenticate) {
    if (perMinute <= 0) return authenticate.get();
    AccessToken who;
    try {
      who = authenticate.get();
    } catch (LaneException unauthorized) {
      if (unauthorized.code() != ErrorCode.UNAUTHORIZED) throw unauthorized;
      synchronized (this) {
        Address a = addresses.computeIfAbsent(address, k -> new Address());
        if (a.failures.tryAcquire()) throw unauthorized;
        throw locked(a);
      }
    }
    synchronized (this) {
      Address a = addresses.computeIfAbsent(address, k -> new Address());
      if (a.failures.retryAfter().isZero() || a.accepted.contains(who.name())) {
        a.accepted.add(who.name());
        return who;
      }
      throw locked(a);
    }
  }

  private static RetryLater locked(Address a) {
    return new RetryLater("too many failed authentications from this address; try again later",
        a.failures.retryAfter());
  }
}
