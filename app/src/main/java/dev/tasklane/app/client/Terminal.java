package dev.tasklane.app.client;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether standard output is a terminal a person watches (a bar may be redrawn there) or a pipe or file. */
final class Terminal {
  private Terminal() {}

  static boolean isInteractive() {
    Console console = System.console();
    if (console == null) return false;
    if ("dumb".equals(System.getenv("TERM"))) return false;
    // From Java 22 on, System.console() exists for redirected output too; Console.isTerminal() tells.
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // Java 21: a console exists only when both streams are a terminal
    }
  }
}
