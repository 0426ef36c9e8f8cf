package dev.tasklane.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tasklane.chat.ChatConfig;
import dev.tasklane.chat.ChatService;
import dev.tasklane.core.SubmitRequest;
import dev.tasklane.gateway.webchat.WebChannel;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test agent for the chat flow: {@code sleep N} becomes a sleep task of N ms (with progress),
 * {@code echo TEXT} an echo task; anything else gets the chat's no-agent reply.
 */
final class ChatFixture {
  private static final Pattern SLEEP = Pattern.compile("sleep (\\d+)");
  private static final Pattern ECHO = Pattern.compile("echo (.+)", Pattern.DOTALL);

  private ChatFixture() {}

  static ChatService chat(dev.tasklane.engine.Lane lane, WebChannel web, ChatConfig config) {
    ChatService chat = new ChatService(lane, config, lane.clock());
    chat.addChannel(web);
    chat.setAgentRouter((session, text) -> {
      Matcher sleep = SLEEP.matcher(text.strip());
      if (sleep.matches()) {
        return Optional.of(SubmitRequest.builder(session, "sleep")
            .input(JsonNodeFactory.instance.objectNode().put("millis", Long.parseLong(sleep.group(1)))));
      }
      Matcher echo = ECHO.matcher(text.strip());
      if (echo.matches()) {
        return Optional.of(SubmitRequest.builder(session, "echo")
            .input(JsonNodeFactory.instance.objectNode().put("text", echo.group(1))));
      }
      return Optional.empty();
    });
    chat.start();
    return chat;
  }
}
