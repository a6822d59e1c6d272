package dev.aegis.orchestrator.chaos;

import dev.aegis.chaos.BlastRadius;
import dev.aegis.chaos.ClusterUnavailableException;
import dev.aegis.chaos.FaultInjector;
import dev.aegis.chaos.FaultKind;
import dev.aegis.chaos.FaultRefusedException;
import dev.aegis.chaos.FaultSpec;
import dev.aegis.chaos.FaultTarget;
import dev.aegis.chaos.InjectOptions;
import dev.aegis.chaos.Injection;
import dev.aegis.chaos.Mechanism;
import dev.aegis.chaos.Revert;
import dev.aegis.chaos.RevertOutcome;
import dev.aegis.events.EventType;
import dev.aegis.events.data.ChaosFault;
import dev.aegis.events.data.Track;
import dev.aegis.orchestrator.application.Limits;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.observability.LogIdentity;
import dev.aegis.orchestrator.outbox.EventOutbox;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.ChaosInjectionRepository;
import dev.aegis.orchestrator.persistence.ChaosInjectionRepository.Row;
import dev.aegis.orchestrator.persistence.ChaosInjectionRepository.State;
import dev.aegis.orchestrator.persistence.ChaosInjectionRepository.Switch;
import dev.aegis.orchestrator.persistence.ExperimentRecord;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.NamespaceScope;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.security.AegisPrincipal;
import dev.aegis.orchestrator.security.Role;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;

/**
 * Injects, lists and reverts faults, and holds the kill switch.
 *
 * <p>An injection is recorded before the cluster is touched (INJECTING, with its deadline), carried
 * out by the {@link FaultInjector}, then recorded ACTIVE with its revert steps in one transaction
 * that also queues {@code dev.aegis.chaos.injected.v1} on the outbox and writes the audit row.
 * Aegis reads its own chaos events back from {@code aegis.chaos} like any chaos tool's, so the
 * windows taken under the fault and the RCA name it. A revert (on expiry, by hand, or by the kill
 * switch) locks the row, undoes the steps and records the end with {@code
 * dev.aegis.chaos.cleared.v1} in one transaction; a revert the cluster refuses stays due and is
 * retried with a capped backoff.
 */
public final class ChaosService {

  static final String SWEEPER = "aegis:chaos-sweeper";
  private static final Logger log = LoggerFactory.getLogger(ChaosService.class);
  private static final List<Phase> UNDER_ANALYSIS = List.of(Phase.CANARY, Phase.PAUSED);
  private static final List<String> SETTLED =
      Arrays.stream(Phase.values()).filter(Phase::isSettled).map(Phase::name).toList();

  private final Transactions transactions;
  private final ChaosInjectionRepository faults;
  private final ExperimentRepository experiments;
  private final AuditRepository audit;
  private final EventOutbox events;
  private final FaultInjector injector;
  private final ChaosProperties properties;
  private final MeterRegistry metrics;
  private final Clock clock;

  public ChaosService(
      Transactions transactions,
      ChaosInjectionRepository faults,
      ExperimentRepository experiments,
      AuditRepository audit,
      EventOutbox events,
      FaultInjector injector,
      ChaosProperties properties,
      MeterRegistry metrics,
      Clock clock) {
    this.transactions = transactions;
    this.faults = faults;
    this.experiments = experiments;
    this.audit = audit;
    this.events = events;
    this.injector = injector;
    this.properties = properties;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Injects the requested fault for {@code principal}.
   *
   * @throws ChaosRefusedException with the status and code of the refusal; nothing is left on the
   *     cluster
   */
  public FaultView inject(FaultRequest request, AegisPrincipal principal) {
    if (!properties.enabled()) {
      throw new ChaosRefusedException(
          HttpStatus.CONFLICT,
          "chaos-disabled",
          "fault injection is turned off here (aegis.chaos.enabled=false)");
    }
    Resolved resolved = transactions.withHandle(h -> resolve(h, request, principal));
    FaultSpec spec = resolved.spec();
    Optional<BlastRadius.Refusal> refusal =
        BlastRadius.check(
            spec,
            resolved.exposure(),
            Boolean.TRUE.equals(request.production()),
            mayTouchProduction(principal),
            properties.maxDuration());
    if (refusal.isPresent()) {
      HttpStatus status =
          refusal.get().reason().startsWith("production-")
              ? HttpStatus.FORBIDDEN
              : HttpStatus.BAD_REQUEST;
      throw new ChaosRefusedException(status, refusal.get().reason(), refusal.get().message());
    }
    // The blast radius passed, so consent here means the request asked for production and may have
    // it.
    boolean consented = Boolean.TRUE.equals(request.production()) && mayTouchProduction(principal);
    String reason = request.reason() == null ? null : Limits.reason(request.reason(), "reason");
    String faultId = "f-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Instant now = clock.instant();
    Instant expires = now.plus(spec.duration());
    boolean production =
        spec.target().isProduction() || resolved.exposure() == BlastRadius.Exposure.PRODUCTION;
    try (LogIdentity ignored =
        LogIdentity.of(
                null,
                resolved.experimentId(),
                null,
                LogIdentity.service(spec.target().namespace(), spec.target().service()))
            .with(LogIdentity.FAULT_ID, faultId)) {
      transactions.useTransaction(
          h -> {
            faults.lockSwitch(h);
            if (faults.killSwitch(h).map(Switch::halted).orElse(false)) {
              throw new ChaosRefusedException(
                  HttpStatus.CONFLICT,
                  "chaos-halted",
                  "the chaos kill switch is engaged;"
                      + " an SRE or chaos engineer re-arms it with DELETE /api/v1/chaos/kill-switch (aegis chaos resume)");
            }
            if (faults.countLive(h) >= properties.maxActive()) {
              throw new ChaosRefusedException(
                  HttpStatus.TOO_MANY_REQUESTS,
                  "too-many-faults",
                  "already "
                      + properties.maxActive()
                      + " live faults (aegis.chaos.max-active); revert one or wait for one to expire");
            }
            faults.begin(
                h,
                faultId,
                spec,
                resolved.experimentId(),
                production,
                principal.name(),
                reason,
                now,
                expires);
          });
      Injection injection;
      try {
        injection =
            injector.inject(
                faultId,
                spec,
                now,
                consented ? InjectOptions.PRODUCTION_CONSENTED : InjectOptions.NONE);
      } catch (FaultRefusedException e) {
        transactions.useTransaction(
            h -> faults.fail(h, faultId, e.reason() + ": " + e.getMessage(), clock.instant()));
        throw new ChaosRefusedException(
            HttpStatus.UNPROCESSABLE_ENTITY, e.reason(), e.getMessage());
      } catch (ClusterUnavailableException e) {
        // Part of it may be on the cluster: it is due for a revert now, through every step it could
        // have needed,
        // tried at once and then by the sweeper until the cluster takes it.
        transactions.useTransaction(
            h ->
                faults.expireNow(
                    h, faultId, "injection failed: " + e.getMessage(), clock.instant()));
        revertOne(faultId, SWEEPER, "injection-failed", "injection-failed");
        throw new ChaosRefusedException(
            HttpStatus.SERVICE_UNAVAILABLE,
            "kubernetes-unavailable",
            "the Kubernetes API failed while injecting " + faultId + ": " + e.getMessage());
      }
      Row row =
          transactions.inTransaction(
              h -> {
                faults.activate(
                    h,
                    faultId,
                    injection.mechanism().wireName(),
                    injection.reverts(),
                    injection.affectedPods(),
                    injection.summary());
                events.enqueue(
                    h,
                    EventType.CHAOS_INJECTED,
                    faultId + "/injected",
                    spec.target().service(),
                    announcement(faultId, spec, now, expires),
                    now,
                    now);
                audit.record(
                    h,
                    principal.name(),
                    "chaos.inject",
                    faultId,
                    detail(spec, injection.summary(), reason),
                    now);
                return faults.find(h, faultId).orElseThrow();
              });
      metrics
          .counter("aegis.chaos.faults", "kind", spec.kind().wireName(), "outcome", "injected")
          .increment();
      log.info("chaos fault {} injected by {}: {}", faultId, principal.name(), injection.summary());
      return FaultView.of(row);
    }
  }

  /**
   * Reverts a live fault now.
   *
   * @throws ChaosRefusedException 404 if no such fault, 409 if it is not live, 503 if the cluster
   *     refused (the fault stays live; the sweeper retries it from its deadline on)
   */
  public FaultView revert(String faultId, String actor, String why) {
    Row existing =
        transactions
            .withHandle(h -> faults.find(h, faultId))
            .orElseThrow(
                () ->
                    new ChaosRefusedException(
                        HttpStatus.NOT_FOUND,
                        "not-found",
                        "no fault has id '" + Limits.shown(faultId) + "'"));
    if (!existing.state().isLive()) {
      throw new ChaosRefusedException(
          HttpStatus.CONFLICT,
          "not-live",
          "fault "
              + faultId
              + " is already "
              + existing.state().name().toLowerCase(Locale.ROOT)
              + " ("
              + existing.endReason()
              + ")");
    }
    // The metric says a person reverted it; their reason, free text, goes to the fault and the
    // audit only: a label value from the request would let any caller add series without bound.
    Outcome outcome = revertOne(faultId, actor, why, "reverted");
    if (outcome == Outcome.FAILED) {
      Row row = transactions.withHandle(h -> faults.find(h, faultId)).orElseThrow();
      throw new ChaosRefusedException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "revert-failed",
          "the Kubernetes API refused"
              + " the revert of "
              + faultId
              + " ("
              + row.lastError()
              + "); the fault stays live: try again, and the"
              + " sweeper retries it from its deadline on");
    }
    return transactions.withHandle(h -> faults.find(h, faultId)).map(FaultView::of).orElseThrow();
  }

  /**
   * Reverts every live fault past its deadline, and every canary fault whose experiment has settled
   * (its canary run is over). Returns how many were reverted. Called by the sweeper.
   */
  public int sweep() {
    int reverted = 0;
    List<String> due = transactions.withHandle(h -> faults.dueForRevert(h, clock.instant(), 100));
    for (String id : due) {
      if (revertOne(id, SWEEPER, "expired", "expired") == Outcome.REVERTED) {
        reverted++;
      }
    }
    List<String> orphaned =
        transactions.withHandle(h -> faults.ofSettledExperiments(h, SETTLED, clock.instant(), 100));
    for (String id : orphaned) {
      if (revertOne(id, SWEEPER, "experiment-settled", "experiment-settled") == Outcome.REVERTED) {
        reverted++;
      }
    }
    return reverted;
  }

  /**
   * Engages the kill switch: no new fault until it is re-armed, and every live fault is reverted
   * now. A fault whose revert fails is due at once and retried by the sweeper.
   */
  public KillSwitchView halt(String actor, String why) {
    Instant now = clock.instant();
    List<String> live =
        transactions.inTransaction(
            h -> {
              faults.lockSwitch(h);
              faults.setKillSwitch(h, true, actor, why, now);
              faults.expireAllLive(h, now);
              audit.record(
                  h,
                  actor,
                  "chaos.kill-switch",
                  "chaos",
                  why == null ? Map.of() : Map.of("reason", why),
                  now);
              return faults.liveIds(h);
            });
    List<String> reverted = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    for (String id : live) {
      (revertOne(id, actor, "kill-switch", "kill-switch") == Outcome.FAILED ? pending : reverted)
          .add(id);
    }
    log.warn(
        "chaos kill switch engaged by {}: {} faults reverted, {} pending",
        actor,
        reverted.size(),
        pending.size());
    return new KillSwitchView(true, actor, why, now, reverted, pending);
  }

  /** Re-arms the kill switch: faults can be injected again. */
  public KillSwitchView rearm(String actor, String why) {
    Instant now = clock.instant();
    transactions.useTransaction(
        h -> {
          faults.setKillSwitch(h, false, actor, why, now);
          audit.record(
              h,
              actor,
              "chaos.rearm",
              "chaos",
              why == null ? Map.of() : Map.of("reason", why),
              now);
        });
    return new KillSwitchView(false, actor, why, now, List.of(), List.of());
  }

  public KillSwitchView killSwitch() {
    return transactions
        .withHandle(h -> faults.killSwitch(h))
        .map(
            s ->
                new KillSwitchView(
                    s.halted(), s.changedBy(), s.reason(), s.changedAt(), List.of(), List.of()))
        .orElse(new KillSwitchView(false, null, null, null, List.of(), List.of()));
  }

  public Optional<FaultView> find(String faultId) {
    return transactions.withHandle(h -> faults.find(h, faultId)).map(FaultView::of);
  }

  public List<FaultView> list(boolean live, NamespaceScope scope, int limit) {
    return transactions.withHandle(h -> faults.list(h, live, scope, limit)).stream()
        .map(FaultView::of)
        .toList();
  }

  /**
   * The kill switch's state; {@code reverted} and {@code pending} only in the answer to engaging
   * it.
   */
  public record KillSwitchView(
      boolean halted,
      String changedBy,
      String reason,
      Instant changedAt,
      List<String> reverted,
      List<String> pending) {}

  private enum Outcome {
    REVERTED,
    FAILED,
    NOT_LIVE
  }

  /**
   * Reverts one live fault in a transaction of its own. {@code why} is recorded with the fault and
   * in the audit; {@code counted} is the {@code outcome} label of {@code aegis_chaos_faults_total},
   * one of a fixed set (reverted, expired, experiment-settled, kill-switch, injection-failed).
   */
  private Outcome revertOne(String faultId, String actor, String why, String counted) {
    return transactions.inTransaction(
        h -> {
          Optional<Row> claimed = faults.claimLive(h, faultId);
          if (claimed.isEmpty()) {
            return Outcome.NOT_LIVE;
          }
          Row row = claimed.get();
          try (LogIdentity ignored =
              LogIdentity.of(
                      null,
                      row.experimentId(),
                      null,
                      LogIdentity.service(row.namespace(), row.service()))
                  .with(LogIdentity.FAULT_ID, faultId)) {
            Instant now = clock.instant();
            RevertOutcome done;
            try {
              done = injector.revert(injection(row));
            } catch (ClusterUnavailableException e) {
              Instant next = now.plus(properties.backoffAfter(row.revertAttempts()));
              faults.revertFailed(h, faultId, e.getMessage(), next);
              // Counted once the failure is recorded: a transaction that fails after this line
              // records nothing, and the next attempt counts.
              h.afterCommit(() -> metrics.counter("aegis.chaos.revert.failures").increment());
              log.warn(
                  "chaos fault {} not reverted ({}); next attempt at {}",
                  faultId,
                  e.getMessage(),
                  next);
              return Outcome.FAILED;
            }
            faults.end(h, faultId, actor, why, now);
            FaultSpec spec = row.spec();
            events.enqueue(
                h,
                EventType.CHAOS_CLEARED,
                faultId + "/cleared",
                spec.target().service(),
                announcement(faultId, spec, row.startedAt(), row.expiresAt()),
                now,
                now);
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("reason", why);
            detail.put("undone", done.undone());
            detail.put("alreadyGone", done.alreadyGone());
            audit.record(h, actor, "chaos.revert", faultId, detail, now);
            h.afterCommit(
                () ->
                    metrics
                        .counter(
                            "aegis.chaos.faults",
                            "kind",
                            spec.kind().wireName(),
                            "outcome",
                            counted)
                        .increment());
            log.info("chaos fault {} reverted ({}) by {}", faultId, why, actor);
            return Outcome.REVERTED;
          }
        });
  }

  /**
   * The injection a row records. One still INJECTING (cut short by a crash or an API failure) has
   * no recorded steps: it is undone through every step it could have needed.
   */
  private Injection injection(Row row) {
    Mechanism mechanism = Mechanism.fromWire(row.mechanism()).orElse(Mechanism.NATIVE);
    List<Revert> steps =
        row.state() == State.INJECTING
            ? injector.possibleReverts(row.faultId(), row.spec())
            : row.reverts();
    return new Injection(
        row.faultId(),
        row.spec(),
        mechanism,
        row.startedAt(),
        row.expiresAt(),
        steps,
        row.affectedPods(),
        row.summary() == null ? "" : row.summary());
  }

  private record Resolved(FaultSpec spec, BlastRadius.Exposure exposure, String experimentId) {}

  private Resolved resolve(Tx h, FaultRequest request, AegisPrincipal principal) {
    if (request.kind() == null) {
      throw invalid("kind", "kind is required: one of " + kinds());
    }
    FaultKind kind =
        FaultKind.fromWire(request.kind())
            .orElseThrow(
                () ->
                    invalid(
                        "kind",
                        "unknown kind '" + Limits.shown(request.kind()) + "'; one of " + kinds()));
    if (request.duration() == null) {
      throw invalid(
          "duration", "duration is required, e.g. PT5M (at most " + properties.maxDuration() + ")");
    }
    FaultRequest.Target t = request.target();
    String namespace = t == null ? null : t.namespace();
    String service = t == null ? null : t.service();
    Track track;
    try {
      track = t == null || t.track() == null ? Track.CANARY : Track.fromWire(t.track());
    } catch (IllegalArgumentException e) {
      throw invalid("target.track", "track must be canary or stable");
    }
    if (track == Track.BASELINE) {
      track = Track.STABLE; // the baseline is the stable Deployment observed beside the canary
    }
    String experimentId = request.experimentId();
    if (experimentId != null) {
      ExperimentRecord record =
          experiments
              .find(h, experimentId)
              .filter(r -> principal.inNamespace(r.experiment().namespace()))
              .orElseThrow(
                  () ->
                      new ChaosRefusedException(
                          HttpStatus.NOT_FOUND,
                          "not-found",
                          "no experiment has id '" + Limits.shown(experimentId) + "'"));
      if ((service != null && !service.equals(record.experiment().service()))
          || (namespace != null && !namespace.equals(record.experiment().namespace()))) {
        throw invalid("target", "the target names another service than experiment " + experimentId);
      }
      namespace = record.experiment().namespace();
      service = record.experiment().service();
    }
    if (namespace == null || service == null) {
      throw invalid(
          "target", "name the target (target.namespace and target.service) or an experimentId");
    }
    if (!principal.inNamespace(namespace)) {
      throw new ChaosRefusedException(
          HttpStatus.FORBIDDEN,
          "forbidden-namespace",
          "principal '"
              + principal.name()
              + "' may not act in namespace '"
              + Limits.shown(namespace)
              + "'");
    }
    final String ns = namespace;
    final String svc = service;
    Optional<ExperimentRecord> live =
        experiments
            .findLive(h, ns, svc)
            .filter(r -> UNDER_ANALYSIS.contains(r.experiment().phase()));
    if (experimentId != null
        && live.map(r -> !r.experiment().id().equals(experimentId)).orElse(true)) {
      live =
          Optional
              .empty(); // the named experiment is not the one under analysis: its canary is not a
      // V1 target
    }
    BlastRadius.Exposure exposure =
        track == Track.CANARY && live.isPresent()
            ? BlastRadius.Exposure.CANARY_UNDER_ANALYSIS
            : BlastRadius.Exposure.PRODUCTION;
    String linked =
        experimentId != null ? experimentId : live.map(r -> r.experiment().id()).orElse(null);
    FaultSpec spec =
        new FaultSpec(
            kind, new FaultTarget(ns, svc, track), request.duration(), request.parameters());
    return new Resolved(spec, exposure, linked);
  }

  private static boolean mayTouchProduction(AegisPrincipal p) {
    return p.has(Role.ADMIN) || (p.has(Role.CHAOS_ENGINEER) && p.has(Role.SRE));
  }

  private static ChaosFault announcement(
      String faultId, FaultSpec spec, Instant started, Instant expires) {
    return new ChaosFault(
        faultId,
        spec.target().service(),
        spec.target().track(),
        spec.kind().wireName(),
        started,
        expires,
        spec.target().namespace());
  }

  private static Map<String, Object> detail(FaultSpec spec, String summary, String reason) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("kind", spec.kind().wireName());
    detail.put("namespace", spec.target().namespace());
    detail.put("service", spec.target().service());
    detail.put("track", spec.target().track().wire());
    detail.put("duration", spec.duration().toString());
    detail.put("summary", summary);
    if (reason != null) {
      detail.put("reason", reason);
    }
    return detail;
  }

  private static String kinds() {
    return Arrays.stream(FaultKind.values())
        .map(FaultKind::wireName)
        .collect(Collectors.joining(", "));
  }

  private static ChaosRefusedException invalid(String field, String message) {
    return new ChaosRefusedException(
        HttpStatus.BAD_REQUEST, "invalid-fault", field + ": " + message);
  }
}
