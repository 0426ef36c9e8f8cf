/** The protocol's operations shared by WebSocket and HTTP: task and chat methods, JSON shapes, limits. */
package dev.tasklane.gateway.api;
