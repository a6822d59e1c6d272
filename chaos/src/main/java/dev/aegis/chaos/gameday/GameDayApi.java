package dev.aegis.chaos.gameday;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Aegis REST API as a game day uses it. Paths are absolute from the API's root ({@code
 * /api/v1/experiments}). {@link HttpGameDayApi} speaks HTTP; the CLI adapts its own client.
 */
public interface GameDayApi {

  /**
   * GETs {@code path}.
   *
   * @return the response's JSON body ({@code MissingNode} when empty)
   * @throws GameDayApiException on any non-2xx answer (with its status and problem body) or when
   *     the API cannot be reached (status 0)
   */
  JsonNode get(String path);

  /**
   * POSTs {@code body} as JSON to {@code path}.
   *
   * @return the response's JSON body ({@code MissingNode} when empty)
   * @throws GameDayApiException on any non-2xx answer (with its status and problem body) or when
   *     the API cannot be reached (status 0)
   */
  JsonNode post(String path, JsonNode body);
}
