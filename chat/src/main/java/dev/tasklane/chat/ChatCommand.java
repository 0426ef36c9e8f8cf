package dev.tasklane.chat;

import dev.tasklane.chat.access.Grants;

/**
 * A slash command added with {@link ChatService#addCommand}: gets the call (session, the text after
 * the command, who sent it and what they may do) and returns the reply text. Runs while
 * {@link ChatService#receive} waits: keep it quick. A command that does something its caller must be
 * granted checks {@link Call#grants()} (throwing {@link Grants#refusal} answers with the reason).
 */
@FunctionalInterface
public interface ChatCommand {
  String run(Call call);

  /**
   * One use of a command.
   *
   * @param sessionKey the chat it was sent in
   * @param args the text after the command, stripped
   * @param sender who sent it (platform user id, or the token's name in the web chat); may be null
   * @param grants what the sender may do
   */
  record Call(String sessionKey, String args, String sender, Grants grants) {}
}
