package dev.tasklane.gateway.http;

import dev.tasklane.gateway.api.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers by itself, before a request reaches a route (a malformed or ambiguous path
 * such as {@code /v1/tasks/%00} or {@code /%2e%2e/}, headers too large, a WebSocket upgrade to no
 * endpoint), in the API's shape {@code {"code", "message"}} rather than Jetty's HTML page.
 */
public final class JsonErrorHandler extends ErrorHandler {
  @Override
  protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
      Callback callback) {
    String text = message == null || message.isBlank() ? HttpStatus.getMessage(status) : message;
    byte[] body = Json.write(Json.error(HttpJson.codeFor(status), text)).getBytes(StandardCharsets.UTF_8);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
