/** Operations endpoints: Prometheus metrics and health. */
package dev.tasklane.gateway.ops;
