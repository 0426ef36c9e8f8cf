package dev.tasklane.gateway;

import dev.tasklane.core.Lane;
import dev.tasklane.gateway.auth.TokenRegistry;
import dev.tasklane.gateway.ws.WsMethod;
import java.time.Clock;
import java.util.Map;

/**
 * What a {@link GatewayServer} is made of.
 *
 * @param extraMethods further WebSocket methods by name (the chat methods), added beside {@code task.*}
 */
public record Gateway(Lane lane, TokenRegistry tokens, GatewayConfig config, Clock clock,
    Map<String, WsMethod> extraMethods) {
  public Gateway {
    extraMethods = Map.copyOf(extraMethods);
  }
}
