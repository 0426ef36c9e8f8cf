package dev.tasklane.gateway.webchat;

import dev.tasklane.chat.ChatChannel;
import dev.tasklane.chat.access.Grants;
import dev.tasklane.chat.access.SenderGrants;
import dev.tasklane.gateway.auth.TokenRegistry;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The {@code web} channel. Browsers show the transcript itself (they follow it with
 * {@code chat.subscribe}), so sending a message is storing it: the chat service writes the entry,
 * and every browser subscribed to that chat receives it as a {@code chat} event. {@link #typing}
 * reaches the browsers of that chat as a {@code typing} event.
 */
public final class WebChannel implements ChatChannel {
  public static final String NAME = "web";

  private final Map<String, Set<Consumer<String>>> typingListeners = new ConcurrentHashMap<>();

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
    typingListeners.getOrDefault(chatId, Set.of()).forEach(l -> l.accept(chatId));
  }

  /** Calls {@code listener} when the chat service shows receipt in {@code chatId}; close to stop. */
  public AutoCloseable onTyping(String chatId, Consumer<String> listener) {
    typingListeners.computeIfAbsent(chatId, k -> ConcurrentHashMap.newKeySet()).add(listener);
    return () -> typingListeners.computeIfPresent(chatId, (k, set) -> {
      set.remove(listener);
      return set.isEmpty() ? null : set;
    });
  }
}
