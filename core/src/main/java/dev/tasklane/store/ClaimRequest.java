package dev.tasklane.store;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What a worker asks for: up to {@code max} queued tasks of the kinds it runs, to hold under a
 * lease named {@code owner}, respecting the per-session and per-kind limits.
 */
public record ClaimRequest(
    String owner, int max, Set<String> kinds, int perSession, Map<String, Integer> perKind, Duration lease) {}
