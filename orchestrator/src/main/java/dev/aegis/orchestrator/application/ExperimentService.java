package dev.aegis.orchestrator.application;

import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.operators.actuation.QuarantineShape;
import dev.aegis.operators.actuation.RouterKind;
import dev.aegis.orchestrator.judgment.Policy;
import dev.aegis.orchestrator.lifecycle.Candidate;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.LifecycleInput;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.ExperimentRecord;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.RcaRepository;
import dev.aegis.orchestrator.persistence.ServiceRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.Tx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submissions and human commands. Each call is one transaction: lock, decide with the pure core,
 * record the decision, audit who asked. Submissions over REST and over Kafka take the same path.
 */
public class ExperimentService {

  private static final Logger log = LoggerFactory.getLogger(ExperimentService.class);

  /** Who asked, and through which door. */
  public record Origin(String actor, String channel, String causedBy) {
    public static Origin rest(String actor) {
      return new Origin(actor, "rest", "rest:" + actor);
    }
  }

  private final Transactions transactions;
  private final Clock clock;
  private final LifecycleService lifecycle;
  private final ExperimentRepository experiments;
  private final ServiceRepository services;
  private final RcaRepository rcas;
  private final AuditRepository audit;
  private final Policy defaults;
  private final SubmissionTargets targets;

  public ExperimentService(
      Transactions transactions,
      Clock clock,
      LifecycleService lifecycle,
      ExperimentRepository experiments,
      ServiceRepository services,
      RcaRepository rcas,
      AuditRepository audit,
      Policy defaults,
      SubmissionTargets targets) {
    this.transactions = transactions;
    this.clock = clock;
    this.lifecycle = lifecycle;
    this.experiments = experiments;
    this.services = services;
    this.rcas = rcas;
    this.audit = audit;
    this.defaults = defaults;
    this.targets = targets;
  }

  /**
   * Submits an experiment in its own transaction.
   *
   * @param idempotencyKey when non-null, the experiment id is derived from it, so the same key
   *     submitted twice yields the same experiment once
   * @throws InvalidSubmissionException naming the field at fault
   * @throws MissingTargetsException when the cluster lacks the service's stable Deployment or its
   *     router's objects (a new submission only: a replayed idempotency key answers what it did)
   */
  public SubmitOutcome submit(ExperimentSubmitted request, Origin origin, String idempotencyKey) {
    validate(request);
    // The cluster is read before the transaction opens, so no connection waits on the API server.
    SubmissionTargets.Answer answer = check(request);
    return transactions.inTransaction(h -> submit(h, request, origin, idempotencyKey, answer));
  }

  /**
   * As {@link #submit(ExperimentSubmitted, Origin, String)}, inside the caller's transaction; the
   * cluster is read inside it (one bounded read per object, behind a circuit breaker).
   */
  public SubmitOutcome submit(
      Tx h, ExperimentSubmitted request, Origin origin, String idempotencyKey) {
    validate(request);
    return submit(h, request, origin, idempotencyKey, null);
  }

  private SubmitOutcome submit(
      Tx h,
      ExperimentSubmitted request,
      Origin origin,
      String idempotencyKey,
      SubmissionTargets.Answer checked) {
    Policy policy = PolicyMapper.toPolicy(request.policy(), defaults);
    String id =
        idempotencyKey == null
            ? UUID.randomUUID().toString()
            : UUID.nameUUIDFromBytes(idempotencyKey.getBytes(StandardCharsets.UTF_8)).toString();
    Optional<ExperimentRecord> existing = experiments.find(h, id);
    if (existing.isPresent()) {
      return new SubmitOutcome.Accepted(existing.get(), true);
    }
    Optional<RcaRepository.StoredRca> quarantined =
        rcas.openForImage(h, request.candidate().image());
    if (quarantined.isPresent()) {
      return new SubmitOutcome.QuarantinedImage(
          request.candidate().image(),
          quarantined.get().id(),
          "image "
              + request.candidate().image()
              + " is quarantined (V3) by experiment "
              + quarantined.get().experimentId()
              + "; release it first");
    }
    refuseMissing(checked != null ? checked : check(request));
    Instant now = clock.instant();
    String namespace = request.namespace() == null ? "default" : request.namespace();
    // A service is (namespace, name): 'ledger' in 'shop' and 'ledger' in 'pay' are two services.
    String production = experiments.manage(h, request.service(), namespace, now).orElse(null);
    services.findForUpdate(h, namespace, request.service()).orElseThrow();
    Experiment e =
        Experiment.submitted(
            id,
            request.service(),
            namespace,
            new Candidate(request.candidate().version(), request.candidate().image()),
            policy,
            production,
            now);
    experiments.insert(
        h,
        e,
        origin.actor(),
        origin.channel(),
        request.router(),
        request.policy() == null ? null : request.policy().quarantine(),
        now);
    String heldBy =
        experiments
            .findLiveForUpdate(h, namespace, request.service())
            .map(r -> r.experiment().id())
            .orElse(null);
    lifecycle.apply(
        h,
        id,
        new LifecycleInput.Submit(heldBy),
        new LifecycleService.Cause(origin.causedBy()),
        now);
    audit.record(
        h,
        origin.actor(),
        "experiment.submit",
        id,
        Map.of(
            "service",
            request.service(),
            "namespace",
            namespace,
            "image",
            request.candidate().image(),
            "version",
            request.candidate().version(),
            "channel",
            origin.channel()),
        now);
    return new SubmitOutcome.Accepted(experiments.find(h, id).orElseThrow(), false);
  }

  /**
   * Applies a human's command to experiment {@code id} in its own transaction; the command is
   * audited.
   */
  public CommandOutcome command(
      String id, LifecycleInput.ManualAction action, String actor, String reason) {
    return transactions.inTransaction(
        h -> {
          LifecycleService.Applied applied =
              lifecycle.apply(
                  h,
                  id,
                  new LifecycleInput.Manual(action, actor, reason),
                  LifecycleService.Cause.rest(actor),
                  clock.instant());
          if (applied instanceof LifecycleService.Applied.Refused refused) {
            return new CommandOutcome.Refused(refused.experiment(), refused.decision().refusal());
          }
          if (applied instanceof LifecycleService.Applied.Done) {
            return new CommandOutcome.Applied(experiments.find(h, id).orElseThrow());
          }
          return new CommandOutcome.NotFound(id);
        });
  }

  /**
   * Silence checks per tick at most, longest silent first; the rest are next tick's (a flagged
   * experiment is no longer a candidate).
   */
  static final int SILENCE_CHECKS_PER_TICK = 10_000;

  /**
   * The wall-clock timer: flags every CANARY step that heard no health window for its policy's
   * maxSilence. Only the candidates the database finds are checked, each by the core in its own
   * transaction. Returns how many experiments were newly flagged.
   */
  public int checkSilence() {
    Instant now = clock.instant();
    List<String> canaries =
        transactions.withHandle(h -> experiments.silentCandidates(h, now, SILENCE_CHECKS_PER_TICK));
    int flagged = 0;
    for (String id : canaries) {
      // One short transaction per experiment; one that ingestion holds right now is skipped (see
      // apply).
      boolean changed =
          transactions.inTransaction(
              h ->
                  lifecycle.apply(
                              h,
                              id,
                              new LifecycleInput.CheckSilence(),
                              LifecycleService.Cause.timer("silence"),
                              clock.instant())
                          instanceof LifecycleService.Applied.Done done
                      && done.decision().changed());
      if (changed) {
        flagged++;
      }
    }
    return flagged;
  }

  private SubmissionTargets.Answer check(ExperimentSubmitted request) {
    String namespace = request.namespace() == null ? "default" : request.namespace();
    SubmissionTargets.Answer answer =
        targets.check(namespace, request.service(), RouterKind.parse(request.router()));
    if (answer instanceof SubmissionTargets.Answer.Unknown unknown) {
      log.warn(
          "accepting the submission for {}/{} unchecked: {}; the actuation reports what it finds",
          namespace,
          request.service(),
          unknown.reason());
    }
    return answer;
  }

  private static void refuseMissing(SubmissionTargets.Answer answer) {
    if (answer instanceof SubmissionTargets.Answer.Missing missing) {
      boolean deployment = missing.what().stream().anyMatch(m -> m.startsWith("Deployment "));
      throw new MissingTargetsException(deployment ? "service" : "router", missing.what());
    }
  }

  private static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";

  private static void validate(ExperimentSubmitted r) {
    if (r == null) {
      throw new InvalidSubmissionException("", "a JSON body is required");
    }
    require(r.service(), "service");
    if (!r.service().matches(DNS_LABEL)) {
      throw new InvalidSubmissionException(
          "service",
          "service must be a DNS-1123 label (lowercase letters, digits, '-'), was '"
              + Limits.shown(r.service())
              + "'");
    }
    if (r.candidate() == null) {
      throw new InvalidSubmissionException("candidate", "candidate is required");
    }
    require(r.candidate().version(), "candidate.version");
    require(r.candidate().image(), "candidate.image");
    if (r.namespace() != null && !r.namespace().matches(DNS_LABEL)) {
      throw new InvalidSubmissionException(
          "namespace",
          "namespace must be a DNS-1123 label (at most 63 lowercase "
              + "letters, digits, '-'), was '"
              + Limits.shown(r.namespace())
              + "'");
    }
    if (!r.candidate().version().matches("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}")) {
      throw new InvalidSubmissionException(
          "candidate.version",
          "candidate.version must be 1-128 letters, digits and "
              + ". _ + -, was '"
              + Limits.shown(r.candidate().version())
              + "'");
    }
    if (!Limits.isImageReference(r.candidate().image())) {
      throw new InvalidSubmissionException(
          "candidate.image",
          "candidate.image must be an OCI image reference "
              + "([registry/]path[:tag][@sha256:digest], at most "
              + Limits.MAX_IMAGE
              + " characters), was '"
              + Limits.shown(r.candidate().image())
              + "'");
    }
    try {
      RouterKind.parse(r.router());
    } catch (IllegalArgumentException e) {
      throw new InvalidSubmissionException("router", e.getMessage());
    }
    try {
      QuarantineShape.parse(r.policy() == null ? null : r.policy().quarantine());
    } catch (IllegalArgumentException e) {
      throw new InvalidSubmissionException("policy.quarantine", e.getMessage());
    }
  }

  private static void require(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new InvalidSubmissionException(field, field + " is required");
    }
  }
}
