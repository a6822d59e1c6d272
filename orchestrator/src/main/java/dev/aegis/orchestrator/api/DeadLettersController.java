package dev.aegis.orchestrator.api;

import dev.aegis.orchestrator.api.problem.Problems;
import dev.aegis.orchestrator.deadletter.ReplayService;
import dev.aegis.orchestrator.persistence.DeadLetterRepository;
import dev.aegis.orchestrator.persistence.DeadLetterRepository.Filter;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.security.Access;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dead-letter queue: what could not be processed and why, and replay once the cause is fixed.
 */
@RestController
@RequestMapping("/api/v1/dead-letters")
class DeadLettersController {

  record DeadLetterView(
      long id,
      String originalTopic,
      int originalPartition,
      long originalOffset,
      String reasonCode,
      String reason,
      String errorClass,
      String eventType,
      String eventSource,
      String eventId,
      Instant firstFailedAt,
      Instant recordedAt,
      int replayCount,
      Instant lastReplayedAt,
      String lastReplayedBy,
      String key,
      String value) {
    static DeadLetterView of(DeadLetterRepository.DeadLetter d) {
      return new DeadLetterView(
          d.id(),
          d.originalTopic(),
          d.originalPartition(),
          d.originalOffset(),
          d.reasonCode(),
          d.reason(),
          d.errorClass(),
          d.eventType(),
          d.eventSource(),
          d.eventId(),
          d.firstFailedAt(),
          d.recordedAt(),
          d.replayCount(),
          d.lastReplayedAt(),
          d.lastReplayedBy(),
          text(d.key()),
          text(d.value()));
    }

    private static String text(byte[] bytes) {
      if (bytes == null) {
        return null;
      }
      String s = new String(bytes, StandardCharsets.UTF_8);
      return s.length() > 4096 ? s.substring(0, 4096) + "…" : s;
    }
  }

  /** Which dead letters to replay; null fields match everything. */
  record ReplayRequest(String reason, String type, Instant from, Instant to, Integer limit) {}

  private final Transactions transactions;
  private final DeadLetterRepository repository;
  private final ReplayService replay;
  private final Access access;

  DeadLettersController(
      Transactions transactions,
      DeadLetterRepository repository,
      ReplayService replay,
      Access access) {
    this.access = access;
    this.transactions = transactions;
    this.repository = repository;
    this.replay = replay;
  }

  @GetMapping
  List<DeadLetterView> list(
      @RequestParam(required = false) String reason,
      @RequestParam(required = false) String type,
      @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
          Instant from,
      @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME)
          Instant to,
      @RequestParam(defaultValue = "100") int limit) {
    access.requireAllNamespaces("the dead-letter queue");
    Filter filter = new Filter(reason, type, from, to);
    return transactions
        .withHandle(h -> repository.list(h, filter, Math.min(Math.max(limit, 1), 1000)))
        .stream()
        .map(DeadLetterView::of)
        .toList();
  }

  @PostMapping("/{id}/replay")
  ResponseEntity<?> replayOne(@PathVariable long id) {
    access.requireAllNamespaces("the dead-letter queue");
    return replay
        .replay(id, access.actor())
        .map(DeadLettersController::replayed)
        .orElseGet(
            () ->
                ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .body(
                        Problems.of(
                            HttpStatus.NOT_FOUND,
                            "not-found",
                            "No such dead letter",
                            "no dead letter has id " + id)));
  }

  @PostMapping("/replay")
  Map<String, Object> replayMatching(@RequestBody(required = false) ReplayRequest body) {
    access.requireAllNamespaces("the dead-letter queue");
    String actor = access.actor();
    ReplayRequest r = body == null ? new ReplayRequest(null, null, null, null, null) : body;
    int limit = r.limit() == null ? 1000 : Math.min(Math.max(r.limit(), 1), 10_000);
    List<ReplayService.Outcome> done =
        replay.replayMatching(new Filter(r.reason(), r.type(), r.from(), r.to()), actor, limit);
    List<ReplayService.Outcome> items =
        done.stream().filter(o -> o instanceof ReplayService.Replayed).toList();
    List<ReplayService.Outcome> refused =
        done.stream().filter(o -> o instanceof ReplayService.Refused).toList();
    return Map.of("replayed", items.size(), "items", items, "refused", refused);
  }

  /**
   * 200 with where it went, or 409 problem+json when replay to its original topic is not allowed.
   */
  private static ResponseEntity<?> replayed(ReplayService.Outcome outcome) {
    if (outcome instanceof ReplayService.Refused refused) {
      return ResponseEntity.status(HttpStatus.CONFLICT)
          .body(
              Problems.of(
                  HttpStatus.CONFLICT,
                  refused.reason().code(),
                  "Replay refused",
                  refused.detail()));
    }
    return ResponseEntity.ok(outcome);
  }
}
