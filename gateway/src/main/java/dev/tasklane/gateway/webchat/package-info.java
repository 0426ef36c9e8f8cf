/** The web chat: the {@code web} chat channel and the JSON of transcript entries. */
package dev.tasklane.gateway.webchat;
