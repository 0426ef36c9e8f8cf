package dev.tasklane.agents.llm;

/** One earlier message of a conversation: who said it, and what. */
public record Turn(Role role, String text) {
  /** Who wrote a turn. */
  public enum Role {
    USER,
    ASSISTANT
  }

  public static Turn user(String text) {
    return new Turn(Role.USER, text);
  }

  public static Turn assistant(String text) {
    return new Turn(Role.ASSISTANT, text);
  }
}
