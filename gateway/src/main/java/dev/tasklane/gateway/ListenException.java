package dev.tasklane.gateway;

/** The server could not listen on its host and port: the port is taken, or the address is not this machine's. */
public final class ListenException extends RuntimeException {
  private final boolean portInUse;

  ListenException(String host, int port, Throwable cause) {
    super(describe(host, port, cause), cause);
    this.portInUse = inUse(cause);
  }

  /** True when another program already listens on the port. */
  public boolean portInUse() {
    return portInUse;
  }

  private static String describe(String host, int port, Throwable cause) {
    String where = "cannot listen on " + host + ":" + port + ": ";
    if (inUse(cause)) return where + "the port is already in use";
    Throwable root = cause;
    while (root.getCause() != null) root = root.getCause();
    return where + (root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
  }

  private static boolean inUse(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null && (m.contains("already in use") || m.contains("Address in use"))) return true;
    }
    return false;
  }
}
