package dev.aegis.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Aegis REST API as the CLI sees it: JSON in, JSON out, every failure turned into a {@link
 * CliException} with the exit code it deserves (404 → not found, other 4xx → refused, 5xx → server
 * error, no connection → unreachable) and the problem's title, detail and field as its lines.
 */
final class ApiClient {

  /** A successful answer: its status (200, 201, 202) and its JSON body (null when empty). */
  record Reply(int status, JsonNode body) {}

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

  /** Members of RFC 9457 problems that {@link #problemLines} prints in its own way. */
  private static final Set<String> STANDARD =
      Set.of("type", "title", "status", "detail", "instance", "field");

  private final HttpClient http;
  private final URI base;

  /** The base URL without a trailing slash, so a path prefix (a reverse proxy's) is kept. */
  private final String root;

  private final String token;

  ApiClient(URI base, String token) {
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
    this.base = base;
    this.root = base.toString().replaceAll("/+$", "");
    this.token = token;
  }

  URI base() {
    return base;
  }

  Reply get(String path, Query query) {
    return send("GET", path + query.render(), HttpRequest.BodyPublishers.noBody(), null);
  }

  Reply get(String path) {
    return get(path, Query.none());
  }

  /** POSTs {@code body} (null: an empty JSON object) with an optional {@code Idempotency-Key}. */
  Reply post(String path, JsonNode body, String idempotencyKey) {
    String text = body == null ? "{}" : body.toString();
    return send(
        "POST",
        path,
        HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8),
        idempotencyKey);
  }

  /** DELETEs {@code path}. */
  Reply delete(String path) {
    return send("DELETE", path, HttpRequest.BodyPublishers.noBody(), null);
  }

  private Reply send(
      String method, String pathAndQuery, HttpRequest.BodyPublisher body, String idempotencyKey) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(root + pathAndQuery))
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json, application/problem+json")
            .header("User-Agent", "aegis-cli")
            .method(method, body);
    if ("POST".equals(method)) {
      request.header("Content-Type", "application/json");
    }
    if (token != null && !token.isBlank()) {
      request.header("Authorization", "Bearer " + token);
    }
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    HttpResponse<String> response = exchange(request.build());
    JsonNode json = parse(response.body());
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      if (json == null && !response.body().isBlank()) {
        throw new CliException(
            ExitCode.SERVER_ERROR,
            "error: "
                + method
                + " "
                + pathAndQuery
                + " answered HTTP "
                + status
                + " with a body that is not JSON; is "
                + base
                + " an Aegis server?");
      }
      return new Reply(status, json);
    }
    throw failure(status, json, method + " " + pathAndQuery);
  }

  private HttpResponse<String> exchange(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new CliException(
          ExitCode.UNREACHABLE,
          "error: Aegis at " + base + " did not answer in time (" + reason(e) + ")");
    } catch (IOException e) {
      throw new CliException(
          ExitCode.UNREACHABLE,
          List.of(
              "error: cannot reach Aegis at " + base + " (" + reason(e) + ")",
              "is the server running? Point the CLI at it with --server or AEGIS_SERVER."));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.UNREACHABLE, "error: interrupted while waiting for " + base);
    }
  }

  /** The exception for a non-2xx answer: the exit code by status, the problem's text as lines. */
  static CliException failure(int status, JsonNode problem, String request) {
    int code =
        status == 404
            ? ExitCode.NOT_FOUND
            : status >= 500 ? ExitCode.SERVER_ERROR : ExitCode.REFUSED;
    return new CliException(code, problemLines(status, problem, request));
  }

  /**
   * {@code error: <title>: <detail>}, then {@code field}, then any extension members (such as the
   * refused command's phase or a quarantine's RCA link), one per line.
   */
  static List<String> problemLines(int status, JsonNode problem, String request) {
    List<String> lines = new ArrayList<>();
    if (problem == null
        || !problem.isObject()
        || !problem.hasNonNull("title") && !problem.hasNonNull("detail")) {
      lines.add("error: " + request + " failed with HTTP " + status);
      return lines;
    }
    String title = problem.path("title").asText("HTTP " + status);
    String detail = problem.path("detail").asText("");
    lines.add("error: " + title + (detail.isEmpty() ? "" : ": " + detail));
    if (problem.hasNonNull("field")) {
      lines.add("  field: " + problem.get("field").asText());
    }
    for (Map.Entry<String, JsonNode> member : problem.properties()) {
      if (!STANDARD.contains(member.getKey()) && !member.getValue().isNull()) {
        JsonNode v = member.getValue();
        lines.add("  " + member.getKey() + ": " + (v.isValueNode() ? v.asText() : v.toString()));
      }
    }
    return lines;
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** How far {@link #reason} follows a chain of causes: a chain may loop (A caused by B by A). */
  static final int MAX_CAUSES = 16;

  /** Why a request failed to reach the server, in a few words, from {@code e}'s chain of causes. */
  static String reason(Throwable e) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = e; t != null && chain.size() < MAX_CAUSES; t = t.getCause()) {
      chain.add(t);
    }
    for (Throwable t : chain) {
      if (t instanceof UnresolvedAddressException) {
        return "unknown host";
      }
    }
    for (Throwable t : chain) {
      if (t instanceof ConnectException && (t.getMessage() == null || t.getMessage().isBlank())) {
        return "connection refused";
      }
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage();
      }
    }
    return e.getClass().getSimpleName();
  }

  /** A query string whose null parameters are left out. */
  static final class Query {
    private final StringBuilder text = new StringBuilder();

    static Query none() {
      return new Query();
    }

    Query add(String name, Object value) {
      if (value != null && !value.toString().isEmpty()) {
        text.append(text.length() == 0 ? '?' : '&')
            .append(encode(name))
            .append('=')
            .append(encode(value.toString()));
      }
      return this;
    }

    Query addAll(String name, List<?> values) {
      if (values != null) {
        values.forEach(v -> add(name, v));
      }
      return this;
    }

    String render() {
      return text.toString();
    }

    private static String encode(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
  }

  /** One path segment, escaped. */
  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
