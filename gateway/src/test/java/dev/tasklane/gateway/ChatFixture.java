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
 * {@code echo TEXT} an echo task, {@code lines N} a task whose result has N lines, {@code flaky} a
 * task whose first attempt is lost, {@code hostile} an answer in Markdown with HTML that must not
 * run; anything else gets the chat's no-agent reply. Like an agent profile's, each task's input
 * carries the user's message.
 */
final class ChatFixture {
  private static final Pattern SLEEP = Pattern.compile("sleep (\\d+)");
  private static final Pattern ECHO = Pattern.compile("echo (.+)", Pattern.DOTALL);
  private static final Pattern LINES = Pattern.compile("lines (\\d+)");
  /** Markdown an agent might answer with, and HTML in it that must stay text. */
  static final String HOSTILE = String.join("\n", "**Done.** Here is `the fix`:", "", "```", "x <= 1", "```", "",
      "<img src=x onerror=\"window.pwned = 'img'\"> <script>window.pwned = 'script'</script>",
      "[click me](javascript:window.pwned='link')");

  private ChatFixture() {}

  static ChatService chat(dev.tasklane.engine.Lane lane, WebChannel web, ChatConfig config) {
    ChatService chat = new ChatService(lane, config, lane.clock());
    chat.addChannel(web);
    chat.setAgentRouter((session, text) -> {
      Matcher sleep = SLEEP.matcher(text.strip());
      if (sleep.matches()) {
        return Optional.of(SubmitRequest.builder(session, "sleep").input(JsonNodeFactory.instance.objectNode()
            .put("millis", Long.parseLong(sleep.group(1))).put("message", text)));
      }
      Matcher lines = LINES.matcher(text.strip());
      if (lines.matches()) {
        return Optional.of(SubmitRequest.builder(session, "lines").input(JsonNodeFactory.instance.objectNode()
            .put("count", Integer.parseInt(lines.group(1))).put("message", text)));
      }
      if (text.strip().equals("flaky")) {
        return Optional.of(SubmitRequest.builder(session, "flaky")
            .input(JsonNodeFactory.instance.objectNode().put("message", text)));
      }
      if (text.startsWith("read the files")) { // the handler answers with the attached files' text
        return Optional.of(SubmitRequest.builder(session, "files")
            .input(JsonNodeFactory.instance.objectNode().put("message", text)));
      }
      if (text.strip().equals("hostile")) {
        return Optional.of(SubmitRequest.builder(session, "echo")
            .input(JsonNodeFactory.instance.objectNode().put("text", HOSTILE)));
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
