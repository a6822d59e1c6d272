package dev.aegis.orchestrator.api;

import dev.aegis.orchestrator.experiments.Limits;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.ServiceRepository;
import dev.aegis.orchestrator.persistence.ServiceRepository.ManagedService;
import dev.aegis.orchestrator.production.ProductionService;
import dev.aegis.orchestrator.production.ProductionService.Outcome;
import java.time.Instant;
import java.util.List;
import dev.aegis.orchestrator.security.Access;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Managed services and their production (V2): what runs, what production would roll back to, the live
 * experiment, and the production commands (fast rollback to the previous V2, scaling). A command is
 * accepted with 202: it is carried out by the actuation relay, and its outcome lands in the audit log.
 */
@RestController
@RequestMapping("/api/v1/services")
class ServicesController {

  record RollbackRequest(String reason) {}

  record ScaleRequest(Integer replicas, Integer minReplicas, Integer maxReplicas, String reason) {}

  /** A managed service as the API shows it. */
  record ServiceView(String name, String namespace, String productionVersion, String rollbackTarget,
      LiveExperiment liveExperiment, int pendingCommands, Instant managedSince, Instant updatedAt) {}

  record LiveExperiment(String id, String phase, String candidateVersion, int weight) {}

  record CommandAccepted(String commandId, ServiceView service) {}

  private final Jdbi jdbi;
  private final ServiceRepository services;
  private final ExperimentRepository experiments;
  private final OutboxRepository outbox;
  private final ProductionService production;
  private final Access access;

  ServicesController(Jdbi jdbi, ServiceRepository services, ExperimentRepository experiments, OutboxRepository outbox,
      ProductionService production, Access access) {
    this.access = access;
    this.jdbi = jdbi;
    this.services = services;
    this.experiments = experiments;
    this.outbox = outbox;
    this.production = production;
  }

  @GetMapping
  List<ServiceView> list() {
    return jdbi.withHandle(h -> services.list(h).stream().filter(s -> access.mayRead(s.namespace()))
        .map(s -> view(h, s)).toList());
  }

  @GetMapping("/{name}")
  ResponseEntity<?> get(@PathVariable String name) {
    return jdbi.withHandle(h -> services.find(h, name).filter(s -> access.mayRead(s.namespace())).<ResponseEntity<?>>map(s -> ResponseEntity.ok(view(h, s)))
        .orElseGet(() -> notFound(name)));
  }

  @PostMapping("/{name}/rollback")
  ResponseEntity<?> rollBack(@PathVariable String name, @RequestBody(required = false) RollbackRequest body,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    if (!mayCommand(name)) {
      return notFound(name);
    }
    String actor = access.actor();
    return respond(production.rollBack(name, actor, body == null ? null : Limits.reason(body.reason(), "reason"),
        idempotencyKey));
  }

  @PostMapping("/{name}/scale")
  ResponseEntity<?> scale(@PathVariable String name, @RequestBody(required = false) ScaleRequest body,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    if (!mayCommand(name)) {
      return notFound(name);
    }
    String actor = access.actor();
    ScaleRequest r = body == null ? new ScaleRequest(null, null, null, null) : body;
    return respond(production.scale(name, r.replicas(), r.minReplicas(), r.maxReplicas(), actor,
        Limits.reason(r.reason(), "reason"),
        idempotencyKey));
  }

  private ResponseEntity<?> respond(Outcome outcome) {
    if (outcome instanceof Outcome.NotFound n) {
      return notFound(n.service());
    }
    if (outcome instanceof Outcome.Refused r) {
      HttpStatus status = r.field() != null ? HttpStatus.BAD_REQUEST : HttpStatus.CONFLICT;
      ProblemDetail p = Problems.of(status, r.code(), "Command refused", r.message());
      if (r.field() != null) {
        p.setProperty("field", r.field());
      }
      return ResponseEntity.status(status).body(p);
    }
    Outcome.Accepted a = (Outcome.Accepted) outcome;
    return ResponseEntity.accepted().body(new CommandAccepted(a.commandId(),
        jdbi.withHandle(h -> view(h, services.find(h, a.service().name()).orElse(a.service())))));
  }

  /** False when the principal may not even see the service; refuses (403) when it sees it but may not act there. */
  private boolean mayCommand(String name) {
    java.util.Optional<ManagedService> found = jdbi.withHandle(h -> services.find(h, name));
    if (found.isEmpty()) {
      return true; // the command answers 404 itself
    }
    if (!access.mayRead(found.get().namespace())) {
      return false;
    }
    access.requireNamespace(found.get().namespace());
    return true;
  }

  private ServiceView view(Handle h, ManagedService s) {
    LiveExperiment live = experiments.findLive(h, s.name()).map(r -> {
      Experiment e = r.experiment();
      return new LiveExperiment(e.id(), e.phase().name(), e.candidate().version(), e.currentWeight());
    }).orElse(null);
    return new ServiceView(s.name(), s.namespace(), s.productionVersion(), s.previousProductionVersion(), live,
        outbox.pendingActuationsOfService(h, s.name()), s.managedSince(), s.updatedAt());
  }

  private static ResponseEntity<?> notFound(String name) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Problems.of(HttpStatus.NOT_FOUND, "not-found",
        "No such service", "service '" + name + "' is not managed by Aegis"));
  }
}
