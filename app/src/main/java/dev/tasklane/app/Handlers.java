package dev.tasklane.app;

import dev.tasklane.agents.exec.ExecHandler;
import dev.tasklane.core.Lane;

/**
 * The one place the server's task kinds are wired: every handler the {@code serve} command runs is
 * registered here.
 */
final class Handlers {
  private Handlers() {}

  static Lane.Builder register(Lane.Builder lane) {
    return lane.handler(ExecHandler.KIND, new ExecHandler());
  }
}
