package dev.aegis.chaos.gameday;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * {@link GameDayApi} over HTTP with the JDK's client: JSON in and out, an optional bearer token.
 */
public final class HttpGameDayApi implements GameDayApi {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final Optional<String> bearerToken;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param baseUrl the API's root, e.g. {@code http://localhost:8080}
   * @param bearerToken sent as {@code Authorization: Bearer ...} when present
   * @param timeout for connecting and for each request
   */
  public HttpGameDayApi(URI baseUrl, Optional<String> bearerToken, Duration timeout) {
    String base = baseUrl.toString();
    this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.bearerToken = bearerToken;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public JsonNode get(String path) {
    return send(request(path).GET().build());
  }

  @Override
  public JsonNode post(String path, JsonNode body) {
    String json;
    try {
      json = JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("body cannot be written as JSON", e);
    }
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(timeout)
            .header("Accept", "application/json, application/problem+json");
    bearerToken.ifPresent(token -> builder.header("Authorization", "Bearer " + token));
    return builder;
  }

  private JsonNode send(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new GameDayApiException(request.method() + " " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GameDayApiException(request.method() + " " + request.uri() + " interrupted", e);
    }
    JsonNode body = parse(response.body());
    if (response.statusCode() / 100 != 2) {
      String answered =
          request.method() + " " + request.uri().getPath() + " answered " + response.statusCode();
      throw new GameDayApiException(
          response.statusCode(),
          answered + ": " + GameDayApiException.detailOf(body, response.body()),
          body);
    }
    return body;
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return new TextNode(body);
    }
  }
}
