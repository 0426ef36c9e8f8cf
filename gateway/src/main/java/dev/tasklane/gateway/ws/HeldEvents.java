package dev.tasklane.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Event frames of a new subscription, held back until its response (with the snapshot) has been
 * sent, so that a client always sees the snapshot first and then the events, in order.
 */
final class HeldEvents {
  private final WsConnection connection;
  private final String type;
  private List<JsonNode> held = new ArrayList<>();

  HeldEvents(WsConnection connection, String type) {
    this.connection = connection;
    this.type = type;
  }

  synchronized void push(JsonNode data) {
    if (held != null) held.add(data);
    else connection.event(type, data);
  }

  /** Sends what was held and lets later events through directly. */
  synchronized void release() {
    if (held == null) return;
    held.forEach(d -> connection.event(type, d));
    held = null;
  }
}
