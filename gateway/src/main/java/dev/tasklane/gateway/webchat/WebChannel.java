package dev.tasklane.gateway.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasklane.chat.ChatChannel;
import dev.tasklane.chat.Receipt;
import dev.tasklane.chat.access.Grants;
import dev.tasklane.chat.access.SenderGrants;
import dev.tasklane.gateway.api.Json;
import dev.tasklane.gateway.auth.TokenRegistry;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The {@code web} channel. Browsers show the transcript itself (they follow it with
 * {@code chat.subscribe}), so sending a message is storing it: the chat service writes the entry,
 * and every browser subscribed to that chat receives it as a {@code chat} event. What the chat
 * service shows at once reaches the browsers of that chat as events too: {@link #typing} as
 * {@code typing}, {@link #accepted} as {@code receipt}.
 */
public final class WebChannel implements ChatChannel {
  public static final String NAME = "web";

  private final Map<String, Set<BiConsumer<String, JsonNode>>> listeners = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return NAME;
  }

  /**
   * The grants of a chat message's sender: in the web chat the sender is the token's name, so its
   * token's grants (a token since removed is a {@code guest}); other channels' senders are looked up
   * in {@code otherChannels}.
   */
  public static SenderGrants senderGrants(TokenRegistry tokens, SenderGrants otherChannels) {
    return (channel, sender) -> NAME.equals(channel) ? tokens.grantsOf(sender).orElseGet(() -> Grants.GUEST)
        : otherChannels.of(channel, sender);
  }

  /** The entry is already in the transcript; its platform id only has to be unique. */
  @Override
  public String send(String chatId, String text, String replyToPlatformMessageId) {
    return "web-" + UUID.randomUUID();
  }

  @Override
  public void typing(String chatId) {
    tell(chatId, "typing", Json.object().put("chatId", chatId));
  }

  @Override
  public void accepted(Receipt receipt) {
    tell(receipt.chatId(), "receipt", ChatJson.receipt(receipt));
  }

  private void tell(String chatId, String event, JsonNode data) {
    listeners.getOrDefault(chatId, Set.of()).forEach(l -> l.accept(event, data));
  }

  /** Hands {@code listener} each event of {@code chatId} (its type and data); close to stop. */
  public AutoCloseable follow(String chatId, BiConsumer<String, JsonNode> listener) {
    listeners.computeIfAbsent(chatId, k -> ConcurrentHashMap.newKeySet()).add(listener);
    return () -> listeners.computeIfPresent(chatId, (k, set) -> {
      set.remove(listener);
      return set.isEmpty() ? null : set;
    });
  }
}
