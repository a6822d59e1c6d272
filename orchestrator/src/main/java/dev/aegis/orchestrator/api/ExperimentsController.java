package dev.aegis.orchestrator.api;

import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.orchestrator.api.problem.Problems;
import dev.aegis.orchestrator.application.CommandOutcome;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.Limits;
import dev.aegis.orchestrator.application.SubmitOutcome;
import dev.aegis.orchestrator.lifecycle.LifecycleInput.ManualAction;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.ExperimentRecord;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.TransitionRepository;
import dev.aegis.orchestrator.security.Access;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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

/** Experiments: submit, list, inspect, and the human commands promote / abort / pause / resume. */
@RestController
@RequestMapping("/api/v1/experiments")
class ExperimentsController {

  /** The optional body of a command: why. */
  record CommandRequest(String reason) {}

  private final ExperimentService service;
  private final Transactions transactions;
  private final ExperimentRepository experiments;
  private final TransitionRepository transitions;
  private final OutboxRepository outbox;
  private final Access access;

  ExperimentsController(
      ExperimentService service,
      Transactions transactions,
      ExperimentRepository experiments,
      TransitionRepository transitions,
      OutboxRepository outbox,
      Access access) {
    this.access = access;
    this.service = service;
    this.transactions = transactions;
    this.experiments = experiments;
    this.transitions = transitions;
    this.outbox = outbox;
  }

  @PostMapping
  ResponseEntity<?> submit(
      @RequestBody ExperimentSubmitted body,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    if (body != null) {
      access.requireNamespace(body.namespace() == null ? "default" : body.namespace());
    }
    // The key is the principal's own: another principal's key cannot reach (or reveal) its
    // experiment.
    SubmitOutcome outcome =
        service.submit(
            body,
            ExperimentService.Origin.rest(access.actor()),
            idempotencyKey == null ? null : "rest:" + access.actor() + ":" + idempotencyKey);
    if (outcome instanceof SubmitOutcome.QuarantinedImage q) {
      ProblemDetail p =
          Problems.of(
              HttpStatus.CONFLICT,
              "quarantined-image",
              "Candidate image is quarantined",
              q.summary());
      p.setProperty("field", "candidate.image");
      p.setProperty("rca", "/api/v1/quarantine/" + q.rcaId() + "/rca");
      p.setProperty("release", "/api/v1/quarantine/" + q.rcaId() + "/release");
      return ResponseEntity.status(HttpStatus.CONFLICT).body(p);
    }
    SubmitOutcome.Accepted accepted = (SubmitOutcome.Accepted) outcome;
    ExperimentView view = view(accepted.experiment());
    URI location = URI.create("/api/v1/experiments/" + view.id());
    return accepted.replayed()
        ? ResponseEntity.ok().location(location).body(view)
        : ResponseEntity.created(location).body(view);
  }

  @GetMapping
  List<ExperimentView.Summary> list(
      @RequestParam(required = false) String service,
      @RequestParam(required = false) String namespace,
      @RequestParam(required = false) List<Phase> phase,
      @RequestParam(defaultValue = "100") int limit) {
    return transactions
        .withHandle(
            h ->
                experiments.list(
                    h,
                    namespace,
                    service,
                    phase,
                    access.readable(),
                    Math.min(Math.max(limit, 1), 1000)))
        .stream()
        .map(ExperimentView.Summary::of)
        .toList();
  }

  @GetMapping("/{id}")
  ResponseEntity<?> get(@PathVariable String id) {
    return transactions
        .withHandle(h -> experiments.find(h, id))
        .filter(r -> access.mayRead(r.experiment().namespace()))
        .<ResponseEntity<?>>map(r -> ResponseEntity.ok(view(r)))
        .orElseGet(() -> notFound(id));
  }

  @PostMapping("/{id}/{action}")
  ResponseEntity<?> command(
      @PathVariable String id,
      @PathVariable String action,
      @RequestBody(required = false) CommandRequest body) {
    ManualAction manual =
        switch (action) {
          case "promote" -> ManualAction.PROMOTE;
          case "abort" -> ManualAction.ABORT;
          case "pause" -> ManualAction.PAUSE;
          case "resume" -> ManualAction.RESUME;
          default -> null;
        };
    if (manual == null) {
      ProblemDetail p =
          Problems.of(
              HttpStatus.NOT_FOUND,
              "unknown-action",
              "Unknown action",
              "'"
                  + action
                  + "' is not one of "
                  + Arrays.asList("promote", "abort", "pause", "resume"));
      p.setProperty("field", "action");
      return ResponseEntity.status(HttpStatus.NOT_FOUND).body(p);
    }
    Optional<ExperimentRecord> target =
        transactions
            .withHandle(h -> experiments.find(h, id))
            .filter(r -> access.mayRead(r.experiment().namespace()));
    if (target.isEmpty()) {
      return notFound(id);
    }
    requireMayCommand(target.get(), manual);
    return respond(
        service.command(
            id,
            manual,
            access.actor(),
            body == null ? null : Limits.reason(body.reason(), "reason")));
  }

  /**
   * Ownership for what a platform-engineer may do (pause, resume, abort). The namespace is checked
   * already: the experiment was found among those the principal may read, and its namespaces are
   * where it may act.
   */
  void requireMayCommand(ExperimentRecord r, ManualAction action) {
    if (action == ManualAction.PAUSE
        || action == ManualAction.RESUME
        || action == ManualAction.ABORT) {
      access.requireOwnerOrSre(r.submittedBy(), r.experiment().id());
    }
  }

  ResponseEntity<?> respond(CommandOutcome outcome) {
    if (outcome instanceof CommandOutcome.NotFound n) {
      return notFound(n.id());
    }
    if (outcome instanceof CommandOutcome.Refused r) {
      ProblemDetail p =
          Problems.of(
              HttpStatus.CONFLICT, r.refusal().code(), "Command refused", r.refusal().message());
      p.setProperty("phase", r.experiment().experiment().phase().name());
      return ResponseEntity.status(HttpStatus.CONFLICT).body(p);
    }
    return ResponseEntity.ok(view(((CommandOutcome.Applied) outcome).experiment()));
  }

  ExperimentView view(ExperimentRecord r) {
    return transactions.withHandle(
        h ->
            ExperimentView.of(
                r,
                transitions.history(h, r.experiment().id()),
                outbox.ofExperiment(h, r.experiment().id())));
  }

  static ResponseEntity<?> notFound(String id) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND)
        .body(
            Problems.of(
                HttpStatus.NOT_FOUND,
                "not-found",
                "No such experiment",
                "no experiment has id '" + id + "'"));
  }
}
