package dev.aegis.orchestrator.messaging;

import dev.aegis.events.DecodeResult;
import dev.aegis.events.EventType;
import dev.aegis.events.data.ChaosFault;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.events.data.HealthReported;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.InvalidSubmissionException;
import dev.aegis.orchestrator.application.LifecycleService;
import dev.aegis.orchestrator.application.MissingTargetsException;
import dev.aegis.orchestrator.application.SubmitOutcome;
import dev.aegis.orchestrator.deadletter.DeadLetters;
import dev.aegis.orchestrator.errors.Causes;
import dev.aegis.orchestrator.judgment.ActiveFault;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.lifecycle.Decision;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.LifecycleInput;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.observability.LogIdentity;
import dev.aegis.orchestrator.persistence.AmbiguousServiceException;
import dev.aegis.orchestrator.persistence.ChaosRepository;
import dev.aegis.orchestrator.persistence.ExperimentRecord;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.HealthWindowRepository;
import dev.aegis.orchestrator.persistence.InboxRepository;
import dev.aegis.orchestrator.persistence.InboxRepository.Outcome;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.StaleStateException;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.production.watch.ProductionWatch;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Applies a batch of consumed records in ONE database transaction: processed-event markers, health
 * windows, experiment state, transitions, outbox rows (commands, outgoing events, dead letters).
 * The consumer commits the Kafka offsets only after this returns, so a redelivered record finds its
 * marker and changes nothing.
 *
 * <p>Health windows are the hot path: each one updates its step's evidence in plain code; the
 * experiment row is written once per batch, whatever the number of windows.
 */
public class BatchProcessor {

  private static final Logger log = LoggerFactory.getLogger(BatchProcessor.class);

  private final Transactions transactions;
  private final Clock clock;
  private final LifecycleService lifecycle;
  private final ExperimentService experimentsService;
  private final ExperimentRepository experiments;
  private final HealthWindowRepository health;
  private final InboxRepository inbox;
  private final OutboxRepository outbox;
  private final ChaosRepository chaos;
  private final MeterRegistry metrics;
  private final Duration maxClockSkew;

  /**
   * Production remediation and SLO burn rates, fed every managed service's windows in the batch.
   */
  private final ProductionWatch watch;

  public BatchProcessor(
      Transactions transactions,
      Clock clock,
      LifecycleService lifecycle,
      ExperimentService experimentsService,
      ExperimentRepository experiments,
      HealthWindowRepository health,
      InboxRepository inbox,
      OutboxRepository outbox,
      ChaosRepository chaos,
      MeterRegistry metrics,
      Duration maxClockSkew,
      ProductionWatch watch) {
    this.transactions = transactions;
    this.clock = clock;
    this.lifecycle = lifecycle;
    this.experimentsService = experimentsService;
    this.experiments = experiments;
    this.health = health;
    this.inbox = inbox;
    this.outbox = outbox;
    this.chaos = chaos;
    this.metrics = metrics;
    this.maxClockSkew = maxClockSkew;
    this.watch = watch;
  }

  /**
   * Processes {@code records} in one transaction; any exception means nothing was written.
   *
   * <p>A batch locks an experiment's row only when it writes it, so another writer (an API action,
   * the actuation relay's report, the silence timer, another replica's batch while a partition
   * changes hands) can change a row the batch has read. The batch's write then finds the row moved
   * ({@link StaleStateException}), or PostgreSQL ends a deadlock or serialization conflict by
   * failing it; the batch runs again from the start, up to {@value #CONFLICT_ATTEMPTS} times in
   * all, counted in {@code aegis_batch_conflicts_total}. Any other failure, or a conflict on the
   * last attempt, reaches the caller, which processes the records one by one.
   *
   * <p>A commit whose reply is lost is no such failure when PostgreSQL then reports the transaction
   * committed ({@link Transactions#inTransactionResolvingCommit}): the batch stands, with what it
   * changed in memory, counted in {@code aegis_batch_lost_replies_total}.
   */
  public void process(List<InboundRecord> records) {
    prefetch(records);
    Map<List<String>, Integer> tally;
    for (int attempt = 1; ; attempt++) {
      int thisAttempt = attempt;
      AtomicReference<Run> started = new AtomicReference<>();
      try {
        Transactions.Outcome<Map<List<String>, Integer>> outcome =
            transactions.inTransactionResolvingCommit(
                h -> {
                  // A first attempt trusts this replica's own writes; one that runs again after a
                  // conflict reads every row.
                  Run run = new Run(h, clock.instant(), thisAttempt == 1);
                  started.set(run);
                  return run.process(records);
                },
                COMMIT_PATIENCE);
        tally = outcome.value();
        if (outcome.lostReply() != null) {
          // The batch stands: what it changed in memory is kept, and its records, processed once
          // more one by one, would only find themselves processed.
          metrics.counter("aegis.batch.lost.replies").increment();
          log.warn(
              "the commit of a batch of {} records lost its reply; PostgreSQL reports it"
                  + " committed, so the batch stands",
              records.size(),
              outcome.lostReply());
        }
        break;
      } catch (RuntimeException rolledBack) {
        // The transaction took back what the batch wrote; what it changed in memory goes too.
        Run run = started.get();
        if (run != null) {
          run.watched.rolledBack();
        }
        String conflict = conflict(rolledBack);
        if (conflict == null || attempt >= CONFLICT_ATTEMPTS) {
          throw rolledBack;
        }
        metrics.counter("aegis.batch.conflicts", "reason", conflict).increment();
        log.debug(
            "batch of {} records met a concurrent write ({}: {}); running it again",
            records.size(),
            conflict,
            rolledBack.getMessage());
      }
    }
    // Counted only once the batch committed: a rolled-back batch is processed again, and must not
    // count twice.
    tally.forEach(
        (tags, n) ->
            metrics
                .counter(tags.get(0), tags.subList(1, tags.size()).toArray(String[]::new))
                .increment(n));
  }

  /**
   * How long a batch whose commit lost its reply waits for PostgreSQL to finish that commit before
   * it takes the commit as failed.
   */
  static final Duration COMMIT_PATIENCE = Duration.ofSeconds(30);

  /** How many times a batch runs in all when each attempt meets a concurrent write. */
  static final int CONFLICT_ATTEMPTS = 3;

  /**
   * Why {@code failure} means the batch met a concurrent write, or null when it failed otherwise:
   * {@code stale} (a row it read changed before it wrote it), {@code deadlock} or {@code
   * serialization} (PostgreSQL's SQLSTATE 40P01 and 40001).
   */
  static String conflict(Throwable failure) {
    for (Throwable t : Causes.chain(failure)) {
      if (t instanceof StaleStateException) {
        return "stale";
      }
      if (t instanceof SQLException sql) {
        if ("40P01".equals(sql.getSQLState())) {
          return "deadlock";
        }
        if ("40001".equals(sql.getSQLState())) {
          return "serialization";
        }
      }
    }
    return null;
  }

  /**
   * Reads what the production guard may need from the cluster before the transaction opens (never
   * inside it).
   */
  private void prefetch(List<InboundRecord> records) {
    Set<List<String>> stable = new HashSet<>();
    for (InboundRecord r : records) {
      r.decoded()
          .decoded()
          .filter(d -> d.type() == EventType.HEALTH_REPORTED)
          .map(d -> d.data(HealthReported.class))
          .filter(
              h ->
                  h.namespace() != null
                      && h.track().name().equals(HealthWindow.Track.STABLE.name()))
          .ifPresent(h -> stable.add(List.of(h.namespace(), h.service())));
    }
    stable.forEach(key -> watch.prefetch(key.get(0), key.get(1)));
  }

  /** The state of one batch transaction. */
  private final class Run {
    private final Tx h;
    private final Instant now;
    private final Map<ServiceKey, Slot> slots = new HashMap<>();

    /**
     * Per service, the earliest start and latest end of this batch's health windows: where faults
     * matter.
     */
    private final Map<ServiceKey, Instant[]> spans = new HashMap<>();

    /**
     * Per service name, the namespaces where it is managed: how a window without a namespace is
     * resolved.
     */
    private final Map<String, List<String>> namespaces = new HashMap<>();

    private final List<HealthWindowRepository.Row> rows = new ArrayList<>();

    /** The decisions of this batch, written once per experiment at each flush. */
    private final LifecycleService.Batch decisions;

    private final Map<List<String>, Integer> tally = new HashMap<>();

    private final ProductionWatch.Batch watched;

    /** Whether live experiments may be taken from this replica's own committed writes. */
    private final boolean trustOwnWrites;

    /**
     * By id, the revision of each live experiment taken from this replica's own write without
     * reading its row, until the batch decides a change for it: what is left is checked before the
     * batch commits ({@link ExperimentRepository#verifyUnwritten}).
     */
    private final Map<String, Long> unverified = new HashMap<>();

    Run(Tx h, Instant now, boolean trustOwnWrites) {
      this.h = h;
      this.now = now;
      this.trustOwnWrites = trustOwnWrites;
      this.watched = watch.begin(h, now);
      this.decisions =
          lifecycle.batch(
              h,
              now,
              () -> {
                health.insert(h, rows);
                rows.clear();
              });
    }

    Map<List<String>, Integer> process(List<InboundRecord> records) {
      List<InboxRepository.Arrival> arrivals =
          records.stream()
              .map(
                  r ->
                      new InboxRepository.Arrival(
                          r.source(),
                          r.eventId(),
                          r.decoded().decoded().map(d -> d.type().type()).orElse(null),
                          r.topic(),
                          r.partition(),
                          r.offset()))
              .toList();
      // A refused record claims no marker: it must not take the (source, id) of a genuine event,
      // and once the
      // trust configuration allows it, its replay takes effect.
      List<InboxRepository.Arrival> admitted = new ArrayList<>();
      for (int i = 0; i < records.size(); i++) {
        if (!(records.get(i).admission() instanceof Admission.Refused)) {
          admitted.add(arrivals.get(i));
        }
      }
      Set<String> claimed = inbox.claim(h, admitted, now);
      // Which records this batch applies, decided once: of several records of one identity, the
      // first takes the claim, and the others are duplicates.
      boolean[] fresh = new boolean[records.size()];
      for (int i = 0; i < records.size(); i++) {
        fresh[i] =
            !(records.get(i).admission() instanceof Admission.Refused)
                && claimed.remove(arrivals.get(i).key());
      }
      loadLive(records, fresh);
      for (int i = 0; i < records.size(); i++) {
        InboundRecord r = records.get(i);
        try (LogIdentity ignored = LogIdentity.of(r.cause(), null, null, null)) {
          if (r.admission() instanceof Admission.Refused refused) {
            count(r, refuse(r, refused));
          } else if (fresh[i]) {
            count(r, apply(r));
          } else {
            tally(List.of("aegis.events.duplicates", "topic", r.topic()));
          }
        }
      }
      flush();
      experiments.verifyUnwritten(h, unverified);
      watched.end();
      return tally;
    }

    /**
     * Loads the live experiment of every service this batch has health for, without locking it:
     * each row is locked when the batch writes it, by a statement that checks the revision read
     * here ({@link ExperimentRepository#readLive}). A batch whose experiment another writer changed
     * meanwhile rolls back and runs again ({@link BatchProcessor#process}).
     */
    private void loadLive(List<InboundRecord> records, boolean[] fresh) {
      List<HealthReported> windows = new ArrayList<>();
      for (int i = 0; i < records.size(); i++) {
        if (fresh[i]) {
          records
              .get(i)
              .decoded()
              .decoded()
              .filter(d -> d.type() == EventType.HEALTH_REPORTED)
              .map(d -> d.data(HealthReported.class))
              .ifPresent(windows::add);
        }
      }
      // Where every name of this batch is managed: what the replica keeps under the services
      // epoch, and one statement for the rest, whatever their number.
      Set<String> unplaced = new HashSet<>();
      windows.stream()
          .filter(w -> !namespaces.containsKey(w.service()))
          .forEach(w -> unplaced.add(w.service()));
      Map<String, List<String>> placed = experiments.namespacesOfAll(h, unplaced);
      unplaced.forEach(name -> namespaces.put(name, placed.getOrDefault(name, List.of())));
      SortedSet<ServiceKey> services = new TreeSet<>();
      windows.forEach(w -> keyOf(w).ifPresent(services::add));
      List<ExperimentRepository.ServiceRef> named =
          services.stream()
              .filter(k -> k.namespace() != null && !slots.containsKey(k))
              .map(k -> new ExperimentRepository.ServiceRef(k.namespace(), k.service()))
              .toList();
      Set<ExperimentRepository.ServiceRef> managed = new HashSet<>();
      for (ExperimentRepository.ServiceRef k : named) {
        List<String> managedIn = namespaces.get(k.service());
        if (managedIn != null && managedIn.contains(k.namespace())) {
          managed.add(k);
        }
      }
      ExperimentRepository.LiveRead read =
          experiments.readLive(
              h, named.stream().filter(managed::contains).toList(), trustOwnWrites);
      unverified.putAll(read.unverified());
      Map<ExperimentRepository.ServiceRef, ExperimentRecord> live = read.records();
      for (ServiceKey key : services) {
        var ref = new ExperimentRepository.ServiceRef(key.namespace(), key.service());
        ExperimentRecord record = live.get(ref);
        slots.computeIfAbsent(
            key, k -> new Slot(managed.contains(ref), record == null ? null : record.experiment()));
      }
      prefetchFaults();
    }

    /**
     * The chaos faults of every service whose live experiment is in CANARY, over this batch's span
     * of its windows, in one query.
     */
    private void prefetchFaults() {
      Map<ServiceKey, Slot> judged = new HashMap<>();
      slots.forEach(
          (key, slot) -> {
            if (slot.live != null && slot.live.phase() == Phase.CANARY && slot.faults == null) {
              judged.put(key, slot);
            }
          });
      if (judged.isEmpty()) {
        return;
      }
      Instant from = null;
      Instant to = null;
      Set<String> names = new HashSet<>();
      for (ServiceKey key : judged.keySet()) {
        Instant[] span = spans.get(key);
        if (span == null) {
          continue;
        }
        from = from == null ? span[0] : earliest(from, span[0]);
        to = to == null ? span[1] : latest(to, span[1]);
        names.add(key.service());
      }
      if (from == null) {
        return;
      }
      List<ChaosRepository.Fault> faults = chaos.activeAmong(h, names, from, to);
      judged.forEach(
          (key, slot) -> {
            Instant[] span = spans.get(key);
            if (span == null) {
              return;
            }
            slot.faults = new ArrayList<>();
            for (ChaosRepository.Fault f : faults) {
              if (f.service().equals(key.service())
                  && (f.namespace() == null || f.namespace().equals(key.namespace()))
                  && !f.startedAt().isAfter(span[1])
                  && !until(f).isBefore(span[0])) {
                slot.faults.add(active(f, null));
              }
            }
          });
    }

    /**
     * The service a window belongs to: (namespace, service) when it names its namespace; otherwise
     * the one namespace where a service of that name is managed. Empty when that is ambiguous
     * (several namespaces). Records the window's span for its service.
     */
    private Optional<ServiceKey> keyOf(HealthReported data) {
      String namespace = data.namespace();
      if (namespace == null) {
        List<String> managedIn = namespacesOf(data.service());
        if (managedIn.size() > 1) {
          return Optional.empty();
        }
        namespace = managedIn.isEmpty() ? null : managedIn.get(0);
      }
      ServiceKey key = new ServiceKey(namespace, data.service());
      spans.merge(
          key,
          new Instant[] {data.windowStart(), data.windowEnd()},
          (a, b) -> new Instant[] {earliest(a[0], b[0]), latest(a[1], b[1])});
      return Optional.of(key);
    }

    private List<String> namespacesOf(String service) {
      return namespaces.computeIfAbsent(service, name -> experiments.namespacesOf(h, name));
    }

    private void tally(List<String> nameAndTags) {
      tally.merge(nameAndTags, 1, Integer::sum);
    }

    private Outcome apply(InboundRecord r) {
      if (!r.decoded().isDecoded()) {
        DecodeResult.Rejected rejected = r.decoded().rejected().orElseThrow();
        return deadLetter(r, rejected.reason().code(), rejected.detail(), "EventRejected");
      }
      DecodeResult.Decoded d = r.decoded().decoded().orElseThrow();
      return switch (d.type()) {
        case HEALTH_REPORTED -> health(r, d.data(HealthReported.class));
        case EXPERIMENT_SUBMITTED -> submission(r, d.data(ExperimentSubmitted.class));
        case CHAOS_INJECTED, CHAOS_CLEARED -> chaos(r, d.type(), d.data(ChaosFault.class));
        case LIFECYCLE_TRANSITIONED, RCA_RECORDED, ACTUATION_ALARMED, SLO_BURN_RATE_ALERTED ->
            deadLetter(
                r,
                "unexpected-type",
                "events of type " + d.type().type() + " are published by Aegis, not consumed",
                "EventRejected");
      };
    }

    private Outcome health(InboundRecord r, HealthReported data) {
      if (data.windowEnd().isAfter(now.plus(maxClockSkew))) {
        return deadLetter(
            r,
            "window-in-future",
            "windowEnd "
                + data.windowEnd()
                + " is more than "
                + maxClockSkew
                + " ahead of the orchestrator clock "
                + now,
            "EventRejected");
      }
      if (data.namespace() == null && namespacesOf(data.service()).size() > 1) {
        return deadLetter(
            r,
            "ambiguous-service",
            AmbiguousServiceException.message(data.service(), namespacesOf(data.service()))
                + " in the window",
            "EventRejected");
      }
      ServiceKey key = keyOf(data).orElseThrow();
      Slot slot = slots.computeIfAbsent(key, this::load);
      if (!slot.managed) {
        tally(List.of("aegis.health.unmanaged", "service", data.service()));
        inbox.setOutcome(
            h, r.source(), r.eventId(), Outcome.IGNORED, "service " + key + " is not managed");
        return Outcome.IGNORED;
      }
      HealthWindow window = window(data).inNamespace(key.namespace());
      MDC.put(LogIdentity.SERVICE, LogIdentity.service(key.namespace(), key.service()));
      if (slot.live != null) {
        MDC.put(LogIdentity.EXPERIMENT_ID, slot.live.id());
      }
      watched.observe(window);
      Experiment live = slot.live;
      if (live != null && live.phase() == Phase.CANARY) {
        Instant[] span =
            spans.getOrDefault(key, new Instant[] {data.windowStart(), data.windowEnd()});
        LifecycleService.Cause cause = LifecycleService.Cause.event(r.cause());
        Decision d =
            decisions.decide(
                live, new LifecycleInput.Observe(window, slot.faults(h, key, span)), cause);
        if (d.changed()) {
          // Written with a check of the revision it was decided from.
          unverified.remove(live.id());
        }
        if (!d.isRefused()) {
          rows.add(
              new HealthWindowRepository.Row(
                  window, live.id(), live.stepIndex() + 1, r.source(), r.eventId(), now));
          slot.live = decisions.liveAfter(d, cause);
          return Outcome.APPLIED;
        }
      }
      rows.add(new HealthWindowRepository.Row(window, null, null, r.source(), r.eventId(), now));
      return Outcome.STORED;
    }

    private Outcome submission(InboundRecord r, ExperimentSubmitted data) {
      flush();
      ExperimentService.Origin origin =
          new ExperimentService.Origin(r.source(), "kafka", r.cause());
      try {
        SubmitOutcome outcome = experimentsService.submit(h, data, origin, r.cause());
        if (outcome instanceof SubmitOutcome.QuarantinedImage q) {
          return deadLetter(
              r,
              "quarantined-image",
              q.summary() + " (RCA " + q.rcaId() + ")",
              "SubmissionRefused");
        }
        // The submission may have made the service managed (in a new namespace too): forget what
        // was loaded.
        slots.keySet().removeIf(k -> k.service().equals(data.service()));
        namespaces.remove(data.service());
        return Outcome.APPLIED;
      } catch (MissingTargetsException e) {
        return deadLetter(r, MissingTargetsException.CODE, e.getMessage(), e.getClass().getName());
      } catch (InvalidSubmissionException e) {
        return deadLetter(
            r, "invalid-submission", e.field() + ": " + e.getMessage(), e.getClass().getName());
      }
    }

    private Outcome chaos(InboundRecord r, EventType type, ChaosFault f) {
      var fault =
          new ChaosRepository.Fault(
              f.faultId(),
              f.namespace(),
              f.service(),
              f.track().wire(),
              f.kind(),
              f.startedAt(),
              f.expiresAt(),
              null);
      // A fault ended when its clearer says (the event's time), not when the event is read: windows
      // taken after
      // the revert but before the announcement arrived are not under the fault. Never later than
      // now.
      Instant clearedAt =
          r.decoded()
              .decoded()
              .map(d -> d.envelope().time())
              .filter(t -> t != null && !t.isAfter(now))
              .orElse(now);
      if (type == EventType.CHAOS_INJECTED) {
        chaos.injected(h, fault, r.eventId());
      } else {
        chaos.cleared(h, fault, clearedAt, r.eventId());
      }
      // A fault without a namespace applies to the service name in every namespace.
      slots.forEach(
          (key, slot) -> {
            if (key.service().equals(f.service())
                && (f.namespace() == null || f.namespace().equals(key.namespace()))) {
              slot.chaos(fault, type == EventType.CHAOS_CLEARED ? clearedAt : null);
            }
          });
      return Outcome.STORED;
    }

    /**
     * Dead-letters a record its sender may not have take effect; it has no processed marker to
     * update.
     */
    private Outcome refuse(InboundRecord r, Admission.Refused refused) {
      DeadLetters.enqueue(
          h,
          outbox,
          DeadLetters.request(
              r.consumed(), refused.reason().code(), refused.detail(), "AdmissionRefused", now),
          now);
      tally(List.of("aegis.events.refused", "topic", r.topic(), "reason", refused.reason().code()));
      return Outcome.DEAD_LETTERED;
    }

    private Outcome deadLetter(InboundRecord r, String code, String reason, String errorClass) {
      DeadLetters.enqueue(
          h, outbox, DeadLetters.request(r.consumed(), code, reason, errorClass, now), now);
      inbox.setOutcome(h, r.source(), r.eventId(), Outcome.DEAD_LETTERED, code + ": " + reason);
      return Outcome.DEAD_LETTERED;
    }

    private Slot load(ServiceKey key) {
      if (key.namespace() == null || !experiments.isManaged(h, key.namespace(), key.service())) {
        return new Slot(false, null);
      }
      return new Slot(
          true,
          experiments
              .findLiveForUpdate(h, key.namespace(), key.service())
              .map(ExperimentRecord::experiment)
              .orElse(null));
    }

    /**
     * Writes the windows first (an RCA reads its step's windows), then every experiment's
     * decisions.
     */
    private void flush() {
      decisions.flush();
    }

    private void count(InboundRecord r, Outcome outcome) {
      tally(List.of("aegis.events.processed", "topic", r.topic(), "outcome", outcome.tag()));
    }
  }

  /** A service: a name in a namespace (null namespace: a name managed nowhere). */
  private record ServiceKey(String namespace, String service) implements Comparable<ServiceKey> {
    private static final Comparator<ServiceKey> ORDER =
        Comparator.comparing(
                ServiceKey::namespace, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(ServiceKey::service);

    @Override
    public int compareTo(ServiceKey other) {
      return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
      return namespace == null ? service : namespace + "/" + service;
    }
  }

  /**
   * What a batch knows about one service: managed at all, its live experiment, its chaos faults.
   */
  private final class Slot {
    final boolean managed;
    Experiment live;

    /** Faults active during this batch's windows of the service, loaded once, on first need. */
    List<ActiveFault> faults;

    Slot(boolean managed, Experiment live) {
      this.managed = managed;
      this.live = live;
    }

    /**
     * The faults of {@code service} active at some moment of {@code span} (earliest start, latest
     * end).
     */
    List<ActiveFault> faults(Tx h, ServiceKey service, Instant[] span) {
      if (faults == null) {
        faults = new ArrayList<>();
        chaos
            .activeBetween(h, service.namespace(), service.service(), span[0], span[1])
            .forEach(f -> faults.add(active(f, null)));
      }
      return faults;
    }

    /** A fault announced in this batch: added, or cut short when cleared at {@code clearedAt}. */
    void chaos(ChaosRepository.Fault fault, Instant clearedAt) {
      if (faults == null) {
        return; // loaded later from the table, which already has it
      }
      faults.removeIf(f -> f.faultId().equals(fault.faultId()));
      faults.add(active(fault, clearedAt));
    }
  }

  private static ActiveFault active(ChaosRepository.Fault f, Instant clearedAt) {
    Instant until = until(clearedAt != null ? clearedAt : f.clearedAt(), f.expiresAt());
    return new ActiveFault(
        f.faultId(),
        f.kind(),
        HealthWindow.Track.valueOf(f.track().toUpperCase(Locale.ROOT)),
        f.startedAt(),
        until);
  }

  /** When {@code f} stopped being active as stored: cleared, or expired, whichever came first. */
  private static Instant until(ChaosRepository.Fault f) {
    return until(f.clearedAt(), f.expiresAt());
  }

  private static Instant until(Instant clearedAt, Instant expiresAt) {
    return clearedAt != null && clearedAt.isBefore(expiresAt) ? clearedAt : expiresAt;
  }

  private static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant latest(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  static HealthWindow window(HealthReported data) {
    return new HealthWindow(
        data.service(),
        data.version(),
        HealthWindow.Track.valueOf(data.track().name()),
        data.windowStart(),
        data.windowEnd(),
        data.requests(),
        data.errors(),
        data.latencyMs().p50(),
        data.latencyMs().p95(),
        data.latencyMs().p99(),
        data.cpuUtilization(),
        data.memoryUtilization(),
        data.namespace());
  }
}
