package dev.tasklane.agents.profile;

/** An agent configuration that cannot be used; the message names the file and the setting. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
