package dev.aegis.orchestrator.dashboard;

import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/stream}: server-sent events for the dashboard (and anything else that wants to watch).
 * Events, each with one JSON object as data: {@code snapshot} (first), then {@code experiment},
 * {@code transition}, {@code dead-letter}, {@code audit} as they happen, and a {@code heartbeat} now and then.
 * Answers 503 with {@code Retry-After} when the configured number of streams is open.
 */
@RestController
class StreamController {

  private final LiveStream stream;

  StreamController(LiveStream stream) {
    this.stream = stream;
  }

  @GetMapping("/api/v1/stream")
  ResponseEntity<?> stream() {
    return stream.subscribe()
        .<ResponseEntity<?>>map(emitter -> ResponseEntity.ok()
            .header(HttpHeaders.CACHE_CONTROL, "no-store")
            .header("X-Accel-Buffering", "no") // tell a proxy in front not to buffer the stream
            .body(emitter))
        .orElseGet(StreamController::busy);
  }

  private static ResponseEntity<?> busy() {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
        "the live stream has as many clients as aegis.dashboard.max-clients allows; retry later");
    p.setType(URI.create("https://aegis.dev/problems/too-many-streams"));
    p.setTitle("Too many live streams");
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5")
        .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
  }
}
