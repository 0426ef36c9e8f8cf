package dev.tasklane.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;

/** One protocol method: reads its params, does bounded work, returns the result (or throws LaneException). */
@FunctionalInterface
public interface WsMethod {
  JsonNode call(WsRequest request) throws Exception;
}
