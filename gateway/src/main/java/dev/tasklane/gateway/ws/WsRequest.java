package dev.tasklane.gateway.ws;

import dev.tasklane.gateway.api.Params;
import dev.tasklane.gateway.auth.AccessToken;
import java.util.ArrayList;
import java.util.List;

/** A request being answered: its connection, its params, and actions to run once the response is sent. */
public final class WsRequest {
  private final WsConnection connection;
  private final Params params;
  private final List<Runnable> afterReply = new ArrayList<>();

  WsRequest(WsConnection connection, Params params) {
    this.connection = connection;
    this.params = params;
  }

  public WsConnection connection() {
    return connection;
  }

  public AccessToken who() {
    return connection.who();
  }

  public Params params() {
    return params;
  }

  /** Runs {@code action} right after the success response has been sent (e.g. release held events). */
  public void afterReply(Runnable action) {
    afterReply.add(action);
  }

  void replied() {
    afterReply.forEach(Runnable::run);
  }
}
