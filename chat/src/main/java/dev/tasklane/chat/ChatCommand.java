package dev.tasklane.chat;

/**
 * A slash command added with {@link ChatService#addCommand}: gets the session and the text after the
 * command, returns the reply text. Runs while {@link ChatService#receive} waits: keep it quick.
 */
@FunctionalInterface
public interface ChatCommand {
  String run(String sessionKey, String args);
}
