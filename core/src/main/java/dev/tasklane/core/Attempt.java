package dev.tasklane.core;

import java.time.Instant;

/**
 * One run of a task: its number (1-based), the node that ran it, when it started and ended, and how
 * it ended ({@code completed, failed, retrying, canceled, lost}; null while running).
 */
public record Attempt(
    TaskId taskId, int number, String owner, Instant startedAt, Instant finishedAt, String outcome, TaskError error) {}
