package dev.tasklane.store;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * What a worker asks for: as many queued tasks as it has free slots ({@code capacity}, read when the
 * claim runs, so slots freed while the claim waited for the writer are filled too) of the kinds it
 * runs, to hold under a lease named {@code owner}, respecting the per-session and per-kind limits.
 */
public record ClaimRequest(
    String owner, IntSupplier capacity, Set<String> kinds, int perSession, Map<String, Integer> perKind,
    Duration lease) {

  public ClaimRequest(String owner, int max, Set<String> kinds, int perSession, Map<String, Integer> perKind,
      Duration lease) {
    this(owner, () -> max, kinds, perSession, perKind, lease);
  }
}
