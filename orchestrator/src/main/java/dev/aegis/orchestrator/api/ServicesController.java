package dev.aegis.orchestrator.api;

import dev.aegis.orchestrator.api.problem.Problems;
import dev.aegis.orchestrator.application.Limits;
import dev.aegis.orchestrator.persistence.AmbiguousServiceException;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.ExperimentRepository.ServiceRef;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.ServiceRepository;
import dev.aegis.orchestrator.persistence.ServiceRepository.ManagedService;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.production.service.ProductionService;
import dev.aegis.orchestrator.production.service.ProductionService.Outcome;
import dev.aegis.orchestrator.security.Access;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

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

  /**
   * A page of the services the principal may read (in {@code namespace} when given), by name then
   * namespace: up to {@code limit} (1 to 1000), from the one after {@code after} ({@code
   * namespace/name}). A full page links the next with {@code Link: <…>; rel="next"}. Three
   * statements whatever the page's size: the services, their live experiments, their pending
   * commands.
   */
  @GetMapping
  ResponseEntity<?> list(
      @RequestParam(required = false) String namespace,
      @RequestParam(required = false) String after,
      @RequestParam(defaultValue = "1000") int limit) {
    ServiceRef from = null;
    if (after != null) {
      int slash = after.indexOf('/');
      if (slash <= 0 || slash == after.length() - 1 || after.indexOf('/', slash + 1) >= 0) {
        ProblemDetail p =
            Problems.of(
                HttpStatus.BAD_REQUEST,
                "invalid-parameter",
                "Invalid parameter",
                "parameter 'after' must be namespace/name, was '" + Limits.shown(after) + "'");
        p.setProperty("field", "after");
        return ResponseEntity.badRequest().body(p);
      }
      from = new ServiceRef(after.substring(0, slash), after.substring(slash + 1));
    }
    int bounded = Math.min(Math.max(limit, 1), 1000);
    ServiceRef start = from;
    List<ServiceView> page =
        transactions.withHandle(
            h -> views(h, services.page(h, access.readable(), namespace, start, bounded)));
    ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
    if (page.size() == bounded) {
      ServiceView last = page.get(page.size() - 1);
      String next =
          UriComponentsBuilder.fromPath("/api/v1/services")
              .queryParam("limit", bounded)
              .queryParamIfPresent("namespace", Optional.ofNullable(namespace))
              .queryParam("after", last.namespace() + "/" + last.name())
              .encode()
              .toUriString();
      ok.header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"");
    }
    return ok.body(page);
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
    return views(h, List.of(s)).get(0);
  }

  /**
   * The views of {@code found}, in its order: their live experiments and pending commands read in
   * one statement each, however many services.
   */
  private List<ServiceView> views(Tx h, List<ManagedService> found) {
    List<ServiceRef> refs =
        found.stream().map(s -> new ServiceRef(s.namespace(), s.name())).toList();
    Map<ServiceRef, ExperimentRepository.LiveHead> live = experiments.liveHeads(h, refs);
    Map<ServiceRef, Integer> pending = outbox.pendingActuationsOfServices(h, refs);
    List<ServiceView> views = new ArrayList<>(found.size());
    for (int i = 0; i < found.size(); i++) {
      ManagedService s = found.get(i);
      ExperimentRepository.LiveHead head = live.get(refs.get(i));
      views.add(
          new ServiceView(
              s.name(),
              s.namespace(),
              s.productionVersion(),
              s.previousProductionVersion(),
              head == null
                  ? null
                  : new LiveExperiment(
                      head.id(), head.phase().name(), head.candidateVersion(), head.weight()),
              pending.getOrDefault(refs.get(i), 0),
              s.managedSince(),
              s.updatedAt()));
    }
    return views;
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
