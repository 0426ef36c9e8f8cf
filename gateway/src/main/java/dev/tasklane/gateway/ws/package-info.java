/** The WebSocket protocol at {@code /ws}: request frames, responses, subscriptions and events. */
package dev.tasklane.gateway.ws;
