/** Tasklane benchmarks. */
package dev.tasklane.bench;
