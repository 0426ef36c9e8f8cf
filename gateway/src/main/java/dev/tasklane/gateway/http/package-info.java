/** The HTTP API under {@code /v1}: tasks and their Server-Sent Event streams. */
package dev.tasklane.gateway.http;
