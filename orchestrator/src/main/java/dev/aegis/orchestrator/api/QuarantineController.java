package dev.aegis.orchestrator.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.orchestrator.api.problem.Problems;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.InvalidSubmissionException;
import dev.aegis.orchestrator.application.Limits;
import dev.aegis.orchestrator.lifecycle.LifecycleInput.ManualAction;
import dev.aegis.orchestrator.persistence.ExperimentRecord;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.RcaRepository;
import dev.aegis.orchestrator.persistence.StateJson;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.security.Access;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** V3: the quarantined candidates, their RCA records, and release (with a reason). */
@RestController
@RequestMapping("/api/v1/quarantine")
class QuarantineController {

  record QuarantineEntry(
      String id,
      String experimentId,
      String service,
      String candidateVersion,
      String candidateImage,
      String summary,
      Instant recordedAt,
      Instant releasedAt,
      String releasedBy,
      String releaseReason,
      String rca,
      String namespace) {}

  record ReleaseRequest(String reason) {}

  private final Transactions transactions;
  private final RcaRepository rcas;
  private final ExperimentService service;
  private final ExperimentsController experiments;
  private final ExperimentRepository experimentRows;
  private final Access access;

  QuarantineController(
      Transactions transactions,
      RcaRepository rcas,
      ExperimentService service,
      ExperimentsController experiments,
      ExperimentRepository experimentRows,
      Access access) {
    this.experimentRows = experimentRows;
    this.access = access;
    this.transactions = transactions;
    this.rcas = rcas;
    this.service = service;
    this.experiments = experiments;
  }

  @GetMapping
  List<QuarantineEntry> list(
      @RequestParam(defaultValue = "false") boolean includeReleased,
      @RequestParam(defaultValue = "100") int limit) {
    return transactions
        .withHandle(
            h ->
                rcas.list(
                    h, includeReleased, access.readable(), Math.min(Math.max(limit, 1), 1000)))
        .stream()
        .map(
            r -> {
              JsonNode record = StateJson.read(r.recordJson(), JsonNode.class);
              return new QuarantineEntry(
                  r.id(),
                  r.experimentId(),
                  r.service(),
                  r.candidateVersion(),
                  r.candidateImage(),
                  record.path("summary").asText(),
                  r.recordedAt(),
                  r.releasedAt(),
                  r.releasedBy(),
                  r.releaseReason(),
                  "/api/v1/quarantine/" + r.id() + "/rca",
                  record.path("namespace").asText(null));
            })
        .toList();
  }

  @GetMapping("/{id}/rca")
  ResponseEntity<?> rca(@PathVariable String id) {
    return transactions
        .withHandle(h -> rcas.find(h, id).filter(r -> readable(h, r.experimentId())))
        .<ResponseEntity<?>>map(
            r -> ResponseEntity.ok(StateJson.read(r.recordJson(), JsonNode.class)))
        .orElseGet(
            () ->
                ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .body(
                        Problems.of(
                            HttpStatus.NOT_FOUND,
                            "not-found",
                            "No such RCA",
                            "no RCA record has id '" + id + "'")));
  }

  @PostMapping("/{id}/release")
  ResponseEntity<?> release(
      @PathVariable String id, @RequestBody(required = false) ReleaseRequest body) {
    Optional<ExperimentRecord> target =
        transactions
            .withHandle(h -> experimentRows.find(h, id))
            .filter(r -> access.mayRead(r.experiment().namespace()));
    if (target.isEmpty()) {
      return ExperimentsController.notFound(id);
    }
    String actor = access.actor();
    if (body == null || body.reason() == null || body.reason().isBlank()) {
      throw new InvalidSubmissionException(
          "reason", "a release needs a reason: say why the quarantine no longer applies");
    }
    return experiments.respond(
        service.command(id, ManualAction.RELEASE, actor, Limits.reason(body.reason(), "reason")));
  }

  /**
   * Whether the principal may read the RCA of {@code experimentId} (its experiment's namespace).
   */
  private boolean readable(Tx h, String experimentId) {
    return access.principal().allNamespaces()
        || experimentRows
            .find(h, experimentId)
            .map(r -> access.mayRead(r.experiment().namespace()))
            .orElse(false);
  }
}
