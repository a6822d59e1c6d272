package dev.aegis.orchestrator.production.watch;

import dev.aegis.events.EventType;
import dev.aegis.events.data.SloBurnRateAlerted;
import dev.aegis.events.data.Track;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.outbox.EventOutbox;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.GuardRepository;
import dev.aegis.orchestrator.persistence.ServiceRepository;
import dev.aegis.orchestrator.persistence.ServiceRepository.ManagedService;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.production.guard.GuardAction;
import dev.aegis.orchestrator.production.guard.GuardPolicy;
import dev.aegis.orchestrator.production.guard.GuardState;
import dev.aegis.orchestrator.production.guard.ProductionGuard;
import dev.aegis.orchestrator.production.service.ProductionService;
import dev.aegis.orchestrator.production.slo.AlertChange;
import dev.aegis.orchestrator.production.slo.BurnRateMonitor;
import dev.aegis.orchestrator.production.slo.Severity;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge of production (V2) remediation and SLO burn-rate alerting on the ingestion path: per
 * consumed health window, in the batch's transaction, it feeds the {@link BurnRateMonitor} (every
 * track) and the {@link ProductionGuard} (stable windows of the version Aegis promoted), publishes
 * alert events through the outbox, and turns the guard's actions into production commands with
 * their evidence in the audit log. A burn-rate page on a production track is a rollback trigger
 * too.
 *
 * <p>Work is per batch ({@link #begin}): a service's production version and guard state are read
 * once per batch (the guard state locked), and saved when the batch ends.
 */
public class ProductionWatch {

  private static final Logger log = LoggerFactory.getLogger(ProductionWatch.class);
  static final String ACTOR = "aegis:guard";

  private final ServiceRepository services;
  private final GuardRepository guards;
  private final ProductionGuard guard;
  private final GuardPolicy policy;
  private final BurnRateMonitor burnRates;
  private final ProductionService production;
  private final EventOutbox events;
  private final AuditRepository audit;
  private final ReplicaCounts replicas;
  private final ProductionQuarantine quarantine;
  private final MeterRegistry metrics;
  private final boolean burnRateRollback;
  private final Map<List<String>, AtomicInteger> firing = new ConcurrentHashMap<>();

  public ProductionWatch(
      ServiceRepository services,
      GuardRepository guards,
      GuardPolicy policy,
      BurnRateMonitor burnRates,
      ProductionService production,
      EventOutbox events,
      AuditRepository audit,
      ReplicaCounts replicas,
      ProductionQuarantine quarantine,
      MeterRegistry metrics,
      boolean burnRateRollback) {
    this.services = services;
    this.guards = guards;
    this.policy = policy;
    this.guard = new ProductionGuard(policy);
    this.burnRates = burnRates;
    this.production = production;
    this.events = events;
    this.audit = audit;
    this.replicas = replicas;
    this.quarantine = quarantine;
    this.metrics = metrics;
    this.burnRateRollback = burnRateRollback;
  }

  /**
   * Refreshes, before a batch transaction opens, what the guard may read from the cluster for a
   * stable window of {@code service} in {@code namespace}, so the transaction itself does not wait
   * on the Kubernetes API.
   */
  public void prefetch(String namespace, String service) {
    replicas.refresh(namespace, service);
  }

  /**
   * Forgets what this replica watched of {@code services} (each in its namespace, or in any
   * namespace when that is null) once their partitions moved to another consumer thread or replica:
   * the burn-rate tracks go without resolving their alerts, and this replica's firing gauges for
   * them drop to 0, since the new owner reports them from now on. One pass over the tracks and one
   * over the gauges, whatever the number of services.
   */
  public void handOver(Collection<BurnRateMonitor.ServiceName> services) {
    BurnRateMonitor.Handed handed = new BurnRateMonitor.Handed(services);
    if (handed.isEmpty()) {
      return;
    }
    burnRates.handOver(handed);
    firing.forEach(
        (key, gauge) -> {
          // A gauge's namespace is "" for windows that named none.
          if (handed.covers(key.get(0), key.get(1))) {
            gauge.set(0);
          }
        });
  }

  /** Starts the work of one batch transaction. */
  public Batch begin(Tx h, Instant now) {
    return new Batch(h, now);
  }

  /** One batch: call {@link #observe} per window, {@link #end} before the transaction commits. */
  public final class Batch {
    private final Tx h;
    private final Instant now;

    /**
     * By (namespace, service): the same name in two namespaces is two services, each with its own
     * guard.
     */
    private final Map<List<String>, Optional<ManagedService>> managed = new HashMap<>();

    private final Map<List<String>, GuardState> states = new LinkedHashMap<>();

    /** What this batch's windows changed in the burn-rate trackers, taken back on a rollback. */
    private final BurnRateMonitor.Journal journal = burnRates.journal();

    private Batch(Tx h, Instant now) {
      this.h = h;
      this.now = now;
    }

    /** Observes a window of a managed service; its {@code namespace} names which one. */
    public void observe(HealthWindow w) {
      for (AlertChange change : burnRates.observe(w, journal)) {
        alert(change);
      }
      if (w.track() != HealthWindow.Track.STABLE) {
        return;
      }
      List<String> key = List.of(w.namespace(), w.service());
      Optional<ManagedService> service = managed(key);
      if (service.isEmpty() || !w.version().equals(service.get().productionVersion())) {
        return; // not a version Aegis promoted: nothing of ours to remediate
      }
      GuardState state =
          states.computeIfAbsent(key, k -> guards.findForUpdate(h, k.get(0), k.get(1)));
      int current = replicas.of(service.get().namespace(), w.service()).orElse(0);
      ProductionGuard.Decision d = guard.observe(state, w, current);
      states.put(key, d.state());
      for (GuardAction action : d.actions()) {
        act(service.get(), action);
      }
    }

    public void end() {
      states.forEach((key, state) -> guards.save(h, key.get(0), key.get(1), state, now));
    }

    /**
     * Takes back what this batch's windows did to the burn-rate trackers: its transaction rolled
     * back, and the batch (or each of its records) will be processed again. Everything else this
     * batch did was in the transaction.
     */
    public void rolledBack() {
      journal.undo();
    }

    private Optional<ManagedService> managed(List<String> key) {
      return managed.computeIfAbsent(key, k -> services.find(h, k.get(0), k.get(1)));
    }

    private void act(ManagedService service, GuardAction action) {
      Map<String, Object> evidence = evidence(action.evidence());
      evidence.put("namespace", service.namespace());
      if (action instanceof GuardAction.ScaleUp up) {
        production.scale(
            h,
            service.namespace(),
            service.name(),
            up.to(),
            ProductionService.DEFAULT_MIN_REPLICAS,
            policy.maxReplicas(),
            ACTOR,
            up.evidence().summary(),
            "guard:" + service.namespace() + "/" + service.name() + ":" + now);
        replicas.forget(service.namespace(), service.name());
        audit.record(h, ACTOR, "guard.scale-up", service.name(), evidence, now);
        // Counted once committed: a batch that rolls back runs again and acts again.
        h.afterCommit(
            () ->
                metrics
                    .counter(
                        "aegis.remediation.actions",
                        "action",
                        "scale-up",
                        "signal",
                        up.evidence().signal())
                    .increment());
      } else {
        GuardAction.RollBack back = (GuardAction.RollBack) action;
        rollBack(service, back.badVersion(), back.evidence().summary(), evidence, back.evidence());
      }
    }

    private void rollBack(
        ManagedService service,
        String badVersion,
        String summary,
        Map<String, Object> evidence,
        GuardAction.Evidence why) {
      evidence.put("namespace", service.namespace());
      ProductionService.Outcome outcome =
          production.rollBack(
              h,
              service.namespace(),
              service.name(),
              ACTOR,
              summary,
              "guard:" + service.namespace() + "/" + service.name() + ":" + badVersion);
      evidence.put("outcome", outcome.getClass().getSimpleName());
      if (outcome instanceof ProductionService.Outcome.Refused r) {
        evidence.put("refused", r.message());
        log.warn(
            "production rollback of {}/{} refused: {}",
            service.namespace(),
            service.name(),
            r.message());
      } else if (outcome instanceof ProductionService.Outcome.Accepted) {
        quarantine.quarantine(h, service.namespace(), service.name(), badVersion, why, now);
        h.afterCommit(
            () ->
                metrics
                    .counter(
                        "aegis.remediation.actions", "action", "rollback", "signal", why.signal())
                    .increment());
      }
      audit.record(h, ACTOR, "guard.rollback", service.name(), evidence, now);
    }

    private void alert(AlertChange change) {
      SloBurnRateAlerted data =
          new SloBurnRateAlerted(
              change.service(),
              Track.valueOf(change.track().name()),
              change.version(),
              change.rule().name(),
              change.rule().severity().wire(),
              change.state().wire(),
              change.rule().longWindow(),
              change.rule().shortWindow(),
              change.rule().factor(),
              change.burnRateLong(),
              change.burnRateShort(),
              change.objective(),
              change.firedAt(),
              change.at(),
              change.namespace());
      events.enqueue(
          h,
          EventType.SLO_BURN_RATE_ALERTED,
          change.eventId(),
          change.service(),
          data,
          change.at(),
          now);
      // Set once the event is committed: a rolled-back batch's alert is not shown as firing.
      h.afterCommit(() -> gauge(change).set(change.isFiring() ? 1 : 0));
      if (burnRateRollback
          && change.isFiring()
          && change.rule().severity() == Severity.PAGE
          && change.track() == HealthWindow.Track.STABLE) {
        Optional<ManagedService> service =
            change.namespace() == null
                ? Optional.empty()
                : managed(List.of(change.namespace(), change.service()));
        if (service.isPresent()
            && change.version() != null
            && change.version().equals(service.get().productionVersion())) {
          String summary =
              String.format(
                  Locale.ROOT,
                  "SLO burn rate %.1fx over %s and %.1fx over %s (page above "
                      + "%.1fx, objective %s): roll production back to the previous V2 and quarantine %s",
                  change.burnRateLong(),
                  change.rule().longWindow(),
                  change.burnRateShort(),
                  change.rule().shortWindow(),
                  change.rule().factor(),
                  change.objective(),
                  change.version());
          GuardAction.Evidence why =
              new GuardAction.Evidence(
                  "slo-burn-rate",
                  change.burnRateShort(),
                  change.rule().factor(),
                  change.rule().shortWindow().toSeconds(),
                  change.rule().shortWindow().toSeconds(),
                  0,
                  summary,
                  List.of(
                      "rule " + change.rule().name(),
                      "long-window burn rate " + change.burnRateLong()));
          rollBack(service.get(), change.version(), summary, evidence(why), why);
        }
      }
    }
  }

  private AtomicInteger gauge(AlertChange change) {
    List<String> key =
        List.of(
            change.namespace() == null ? "" : change.namespace(),
            change.service(),
            change.trackWire(),
            change.rule().name(),
            change.rule().severity().wire());
    return firing.computeIfAbsent(
        key,
        k ->
            metrics.gauge(
                "aegis.slo.alert.firing",
                Tags.of(
                    "namespace",
                    k.get(0),
                    "service",
                    k.get(1),
                    "track",
                    k.get(2),
                    "rule",
                    k.get(3),
                    "severity",
                    k.get(4)),
                new AtomicInteger()));
  }

  private static Map<String, Object> evidence(GuardAction.Evidence e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("signal", e.signal());
    out.put("observed", e.observed());
    out.put("threshold", e.threshold());
    out.put("sustainedSeconds", e.sustainedSeconds());
    out.put("requiredSeconds", e.requiredSeconds());
    out.put("windows", e.windows());
    out.put("summary", e.summary());
    out.put("notes", e.notes());
    return out;
  }
}
