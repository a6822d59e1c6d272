package dev.aegis.orchestrator.api;

import dev.aegis.orchestrator.api.problem.Problems;
import dev.aegis.orchestrator.application.Limits;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.persistence.AmbiguousServiceException;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.ServiceRepository;
import dev.aegis.orchestrator.persistence.ServiceRepository.ManagedService;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.production.service.ProductionService;
import dev.aegis.orchestrator.production.service.ProductionService.Outcome;
import dev.aegis.orchestrator.security.Access;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
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
 * Managed services, each keyed by (namespace, name), and their production (V2): what runs, what
 * production would roll back to, the live experiment, and the production commands (fast rollback to
 * the previous V2, scaling). A command is accepted with 202: it is carried out by the actuation
 * relay, and its outcome lands in the audit log. The forms without a namespace ({@code
 * /services/{name}...}) answer for the one service of that name the principal may see, and 409
 * {@code ambiguous-service} when several namespaces have one.
 */
@RestController
@RequestMapping("/api/v1/services")
class ServicesController {

  record RollbackRequest(String reason) {}

  record ScaleRequest(Integer replicas, Integer minReplicas, Integer maxReplicas, String reason) {}

  /** A managed service as the API shows it. */
  record ServiceView(
      String name,
      String namespace,
      String productionVersion,
      String rollbackTarget,
      LiveExperiment liveExperiment,
      int pendingCommands,
      Instant managedSince,
      Instant updatedAt) {}

  record LiveExperiment(String id, String phase, String candidateVersion, int weight) {}

  record CommandAccepted(String commandId, ServiceView service) {}

  private final Transactions transactions;
  private final ServiceRepository services;
  private final ExperimentRepository experiments;
  private final OutboxRepository outbox;
  private final ProductionService production;
  private final Access access;

  ServicesController(
      Transactions transactions,
      ServiceRepository services,
      ExperimentRepository experiments,
      OutboxRepository outbox,
      ProductionService production,
      Access access) {
    this.access = access;
    this.transactions = transactions;
    this.services = services;
    this.experiments = experiments;
    this.outbox = outbox;
    this.production = production;
  }

  @GetMapping
  List<ServiceView> list() {
    return transactions.withHandle(
        h ->
            services.list(h).stream()
                .filter(s -> access.mayRead(s.namespace()))
                .map(s -> view(h, s))
                .toList());
  }

  /**
   * The old form: the service of that name, when only one namespace the principal may read has one.
   */
  @GetMapping("/{name}")
  ResponseEntity<?> get(@PathVariable String name) {
    return get(null, name);
  }

  @GetMapping("/{namespace}/{name}")
  ResponseEntity<?> get(@PathVariable String namespace, @PathVariable String name) {
    return transactions.withHandle(
        h ->
            visible(h, namespace, name)
                .<ResponseEntity<?>>map(s -> ResponseEntity.ok(view(h, s)))
                .orElseGet(() -> notFound(namespace, name)));
  }

  @PostMapping("/{name}/rollback")
  ResponseEntity<?> rollBack(
      @PathVariable String name,
      @RequestBody(required = false) RollbackRequest body,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    return rollBack(null, name, body, idempotencyKey);
  }

  @PostMapping("/{namespace}/{name}/rollback")
  ResponseEntity<?> rollBack(
      @PathVariable String namespace,
      @PathVariable String name,
      @RequestBody(required = false) RollbackRequest body,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    return onService(
        namespace,
        name,
        s ->
            production.rollBack(
                s.namespace(),
                name,
                access.actor(),
                body == null ? null : Limits.reason(body.reason(), "reason"),
                idempotencyKey));
  }

  @PostMapping("/{name}/scale")
  ResponseEntity<?> scale(
      @PathVariable String name,
      @RequestBody(required = false) ScaleRequest body,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    return scale(null, name, body, idempotencyKey);
  }

  @PostMapping("/{namespace}/{name}/scale")
  ResponseEntity<?> scale(
      @PathVariable String namespace,
      @PathVariable String name,
      @RequestBody(required = false) ScaleRequest body,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    ScaleRequest r = body == null ? new ScaleRequest(null, null, null, null) : body;
    return onService(
        namespace,
        name,
        s ->
            production.scale(
                s.namespace(),
                name,
                r.replicas(),
                r.minReplicas(),
                r.maxReplicas(),
                access.actor(),
                Limits.reason(r.reason(), "reason"),
                idempotencyKey));
  }

  /**
   * Runs a production command on the service the principal may see (its namespaces are also where
   * it may act), or answers 404 when it sees none.
   */
  private ResponseEntity<?> onService(
      String namespace, String name, Function<ManagedService, Outcome> command) {
    return transactions
        .withHandle(h -> visible(h, namespace, name))
        .<ResponseEntity<?>>map(s -> respond(command.apply(s)))
        .orElseGet(() -> notFound(namespace, name));
  }

  private ResponseEntity<?> respond(Outcome outcome) {
    if (outcome instanceof Outcome.NotFound n) {
      return notFound(null, n.service());
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
    return ResponseEntity.accepted()
        .body(
            new CommandAccepted(
                a.commandId(),
                transactions.withHandle(
                    h ->
                        view(
                            h,
                            services
                                .find(h, a.service().namespace(), a.service().name())
                                .orElse(a.service())))));
  }

  /**
   * The service the principal may see: {@code name} in {@code namespace}, or, with no namespace,
   * the one service of that name among the namespaces the principal may read (so the answer reveals
   * no other namespace).
   *
   * @throws AmbiguousServiceException (409) when several of those namespaces have a service of that
   *     name
   */
  private Optional<ManagedService> visible(Tx h, String namespace, String name) {
    if (namespace != null) {
      return services.find(h, namespace, name).filter(s -> access.mayRead(s.namespace()));
    }
    List<ManagedService> named =
        services.named(h, name).stream().filter(s -> access.mayRead(s.namespace())).toList();
    if (named.size() > 1) {
      throw new AmbiguousServiceException(
          name, named.stream().map(ManagedService::namespace).toList());
    }
    return named.stream().findFirst();
  }

  private ServiceView view(Tx h, ManagedService s) {
    LiveExperiment live =
        experiments
            .findLive(h, s.namespace(), s.name())
            .map(
                r -> {
                  Experiment e = r.experiment();
                  return new LiveExperiment(
                      e.id(), e.phase().name(), e.candidate().version(), e.currentWeight());
                })
            .orElse(null);
    return new ServiceView(
        s.name(),
        s.namespace(),
        s.productionVersion(),
        s.previousProductionVersion(),
        live,
        outbox.pendingActuationsOfService(h, s.namespace(), s.name()),
        s.managedSince(),
        s.updatedAt());
  }

  private static ResponseEntity<?> notFound(String namespace, String name) {
    String service =
        namespace == null ? "'" + name + "'" : "'" + name + "' in namespace '" + namespace + "'";
    return ResponseEntity.status(HttpStatus.NOT_FOUND)
        .body(
            Problems.of(
                HttpStatus.NOT_FOUND,
                "not-found",
                "No such service",
                "service " + service + " is not managed by Aegis"));
  }
}
