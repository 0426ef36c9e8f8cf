package dev.tasklane.core;

import java.time.Instant;

/**
 * Who runs a task now: the owning node, until when its claim holds unless renewed, and the fence,
 * a number that grows with every claim. Every write of an attempt carries its fence; a write with
 * a stale fence changes nothing, so a worker that lost its lease cannot overwrite the outcome.
 */
public record Lease(String owner, Instant until, long fence) {}
