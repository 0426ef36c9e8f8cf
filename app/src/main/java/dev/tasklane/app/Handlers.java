package dev.tasklane.app;

import dev.tasklane.core.Lane;

/**
 * The one place the server's task kinds are wired: every handler the {@code serve} command runs is
 * registered here.
 */
final class Handlers {
  private Handlers() {}

  static Lane.Builder register(Lane.Builder lane) {
    // exec: registered here once the agents module provides its handler.
    return lane;
  }
}
