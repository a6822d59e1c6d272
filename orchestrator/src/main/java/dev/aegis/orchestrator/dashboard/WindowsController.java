package dev.aegis.orchestrator.dashboard;

import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.HealthWindowRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.security.Access;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/experiments/{id}/windows[?step=&limit=]}: the health windows stored for an
 * experiment (every track: canary, baseline, stable), per step, oldest first, so the dashboard can
 * chart canary against baseline. Read-only; {@code limit} (default 2000, at most 10000) keeps the
 * newest windows.
 */
@RestController
class WindowsController {

  /** One stored window; {@code errorRate} is errors / requests (0 without requests). */
  record WindowView(
      long id,
      int step,
      String track,
      String version,
      Instant windowStart,
      Instant windowEnd,
      long requests,
      long errors,
      double errorRate,
      double p50Ms,
      double p95Ms,
      double p99Ms) {}

  record Windows(String experimentId, String service, List<WindowView> windows) {}

  private final Transactions transactions;
  private final ExperimentRepository experiments;
  private final HealthWindowRepository health;
  private final Access access;

  WindowsController(
      Transactions transactions,
      ExperimentRepository experiments,
      HealthWindowRepository health,
      Access access) {
    this.access = access;
    this.transactions = transactions;
    this.experiments = experiments;
    this.health = health;
  }

  @GetMapping("/api/v1/experiments/{id}/windows")
  ResponseEntity<?> windows(
      @PathVariable String id,
      @RequestParam(required = false) Integer step,
      @RequestParam(defaultValue = "2000") int limit) {
    int bounded = Math.min(Math.max(limit, 1), 10_000);
    return transactions.withHandle(
        h ->
            experiments
                .find(h, id)
                .filter(r -> access.mayRead(r.experiment().namespace()))
                .<ResponseEntity<?>>map(
                    r ->
                        ResponseEntity.ok(
                            new Windows(id, r.experiment().service(), read(h, id, step, bounded))))
                .orElseGet(() -> notFound(id)));
  }

  private List<WindowView> read(Tx h, String id, Integer step, int limit) {
    return health.newestOf(h, id, step, limit).stream()
        .map(
            w ->
                new WindowView(
                    w.id(),
                    w.step(),
                    w.track(),
                    w.version(),
                    w.windowStart(),
                    w.windowEnd(),
                    w.requests(),
                    w.errors(),
                    w.requests() == 0 ? 0 : (double) w.errors() / w.requests(),
                    w.p50Ms(),
                    w.p95Ms(),
                    w.p99Ms()))
        .toList();
  }

  private static ResponseEntity<?> notFound(String id) {
    ProblemDetail p =
        ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no experiment has id '" + id + "'");
    p.setType(URI.create("https://aegis.dev/problems/not-found"));
    p.setTitle("No such experiment");
    return ResponseEntity.status(HttpStatus.NOT_FOUND)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(p);
  }
}
