package dev.tasklane.gateway.http;

import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.session.DefaultSessionCache;
import org.eclipse.jetty.session.NullSessionDataStore;
import org.eclipse.jetty.session.SessionCache;

/**
 * The API authenticates every request by its token and keeps no server-side session. Javalin
 * still asks for one on every WebSocket upgrade, refused ones included (it copies the session's
 * attributes into the connection's context), and Jetty kept each, never expiring, for the life of
 * the process. Here a session lives only as long as its request: no cookie names it, and it is
 * dropped from memory when the request ends, with nothing stored.
 */
public final class NoSessions {
  private NoSessions() {}

  public static void configure(SessionHandler sessions) {
    sessions.setUsingCookies(false);
    DefaultSessionCache cache = new DefaultSessionCache(sessions);
    cache.setEvictionPolicy(SessionCache.EVICT_ON_SESSION_EXIT);
    cache.setSessionDataStore(new NullSessionDataStore());
    sessions.setSessionCache(cache);
  }
}
