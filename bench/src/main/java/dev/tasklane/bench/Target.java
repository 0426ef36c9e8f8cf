package dev.tasklane.bench;

/**
 * A figure the project has promised, checked against this run.
 *
 * @param goal the promise in words, e.g. {@code ≥ 20000 tasks/s}
 * @param value the measured value it is checked on, or null when not measured
 * @param met true, false, or null when it could not be checked
 */
public record Target(String name, String goal, Double value, Boolean met, String note) {}
