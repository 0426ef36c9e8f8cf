/**
 * The gateway: HTTP and WebSocket server in front of the lane and the chat flow, with the web chat,
 * metrics and health. {@link dev.tasklane.gateway.GatewayServer} is the entry point; docs/PROTOCOL.md
 * describes the wire protocol.
 */
package dev.tasklane.gateway;
