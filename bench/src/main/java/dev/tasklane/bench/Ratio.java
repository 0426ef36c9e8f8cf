package dev.tasklane.bench;

/**
 * Two figures of one run side by side: {@code value = numerator / denominator}, or null when one of
 * them was not measured.
 */
public record Ratio(String name, String numerator, String denominator, Double value, String meaning) {}
