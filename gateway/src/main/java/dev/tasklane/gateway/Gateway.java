package dev.tasklane.gateway;

import dev.tasklane.attachments.AttachmentStore;
import dev.tasklane.chat.ChatService;
import dev.tasklane.engine.Lane;
import dev.tasklane.gateway.auth.TokenRegistry;
import dev.tasklane.gateway.webchat.WebChannel;
import java.time.Clock;

/**
 * What a {@link GatewayServer} is made of.
 *
 * @param chat the chat flow behind {@code chat.*} and the web chat; null serves tasks only
 * @param web the {@code web} channel registered with {@code chat}; null when chat is null
 * @param attachments files sent with tasks and messages; null refuses them
 */
public record Gateway(Lane lane, ChatService chat, WebChannel web, TokenRegistry tokens, GatewayConfig config,
    Clock clock, AttachmentStore attachments) {
  public Gateway {
    if ((chat == null) != (web == null)) throw new IllegalArgumentException("chat and web come together");
  }

  /** Without attachments. */
  public Gateway(Lane lane, ChatService chat, WebChannel web, TokenRegistry tokens, GatewayConfig config,
      Clock clock) {
    this(lane, chat, web, tokens, config, clock, null);
  }
}
