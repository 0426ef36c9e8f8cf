package dev.tasklane.gateway;

import dev.tasklane.chat.ChatService;
import dev.tasklane.core.Lane;
import dev.tasklane.gateway.auth.TokenRegistry;
import dev.tasklane.gateway.webchat.WebChannel;
import java.time.Clock;

/**
 * What a {@link GatewayServer} is made of.
 *
 * @param chat the chat flow behind {@code chat.*} and the web chat; null serves tasks only
 * @param web the {@code web} channel registered with {@code chat}; null when chat is null
 */
public record Gateway(Lane lane, ChatService chat, WebChannel web, TokenRegistry tokens, GatewayConfig config,
    Clock clock) {
  public Gateway {
    if ((chat == null) != (web == null)) throw new IllegalArgumentException("chat and web come together");
  }
}
