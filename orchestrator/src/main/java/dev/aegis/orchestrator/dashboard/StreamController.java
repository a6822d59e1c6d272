package dev.aegis.orchestrator.dashboard;

import dev.aegis.orchestrator.api.problem.Problems;
import dev.aegis.orchestrator.security.Access;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URISyntaxException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/stream}: server-sent events for the dashboard (and anything else that wants to
 * watch). Events, each with one JSON object as data: {@code snapshot} (first), then {@code
 * experiment}, {@code transition}, {@code dead-letter}, {@code audit} as they happen, and a {@code
 * heartbeat} now and then. It spans every namespace, so it needs a principal of every namespace. A
 * browser's {@code Origin} must be the server's own (or configured); a principal holds at most
 * {@code aegis.dashboard.max-per-principal} streams (429 beyond), and the server {@code
 * aegis.dashboard.max-clients} (503 beyond).
 */
@RestController
class StreamController {

  private final LiveStream stream;
  private final Access access;
  private final DashboardProperties properties;

  StreamController(LiveStream stream, Access access, DashboardProperties properties) {
    this.stream = stream;
    this.access = access;
    this.properties = properties;
  }

  @GetMapping("/api/v1/stream")
  ResponseEntity<?> stream(HttpServletRequest request) {
    access.requireAllNamespaces("the live stream");
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin != null
        && !sameOrigin(origin, request)
        && !properties.allowedOrigins().contains(origin)) {
      return ResponseEntity.status(HttpStatus.FORBIDDEN)
          .contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .body(
              Problems.of(
                  HttpStatus.FORBIDDEN,
                  "origin",
                  "Origin not allowed",
                  "a page from "
                      + origin
                      + " may not open the live stream (aegis.dashboard.allowed-origins)"));
    }
    String principal = access.actor();
    return stream
        .subscribe(principal)
        .<ResponseEntity<?>>map(
            emitter ->
                ResponseEntity.ok()
                    .header(HttpHeaders.CACHE_CONTROL, "no-store")
                    .header(
                        "X-Accel-Buffering", "no") // tell a proxy in front not to buffer the stream
                    .body(emitter))
        .orElseGet(
            () ->
                stream.clientCount() >= properties.maxClients()
                    ? busy()
                    : tooManyOfYours(principal));
  }

  /** Whether {@code origin} is scheme://host[:port] of this very request. */
  static boolean sameOrigin(String origin, HttpServletRequest request) {
    try {
      URI o = new URI(origin);
      int port = o.getPort() == -1 ? ("https".equals(o.getScheme()) ? 443 : 80) : o.getPort();
      return o.getScheme() != null
          && o.getScheme().equals(request.getScheme())
          && o.getHost() != null
          && o.getHost().equalsIgnoreCase(request.getServerName())
          && port == request.getServerPort();
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private ResponseEntity<?> tooManyOfYours(String principal) {
    ProblemDetail p =
        Problems.of(
            HttpStatus.TOO_MANY_REQUESTS,
            "too-many-streams",
            "Too many live streams",
            "principal '"
                + principal
                + "' has "
                + properties.maxPerPrincipal()
                + " live streams open already (aegis.dashboard.max-per-principal); close one");
    return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
        .header(HttpHeaders.RETRY_AFTER, "5")
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(p);
  }

  private static ResponseEntity<?> busy() {
    ProblemDetail p =
        Problems.of(
            HttpStatus.SERVICE_UNAVAILABLE,
            "too-many-streams",
            "Too many live streams",
            "the live stream has as many clients as aegis.dashboard.max-clients allows; retry later");
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, "5")
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(p);
  }
}
