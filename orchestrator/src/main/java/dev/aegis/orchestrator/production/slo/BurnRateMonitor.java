package dev.aegis.orchestrator.production.slo;

import dev.aegis.orchestrator.judgment.HealthWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Multi-window, multi-burn-rate SLO alerts for every (namespace, service, track): one {@link
 * BurnRateTracker} each, created on the first window. Plain Java, no I/O, thread-safe (one lock per
 * tracker, so services never wait for each other).
 *
 * <h2>Wiring</h2>
 *
 * <ol>
 *   <li><b>Per health window</b>, after it passed the codec, duplicate suppression and the
 *       clock-skew check, for every track (canary, baseline and stable; managed or not, if the SLO
 *       should cover it): {@code List<AlertChange> changes = monitor.observe(window, journal)},
 *       with one {@link #journal()} per transaction, and {@link Journal#undo()} if it rolls back
 *       (the trackers are in memory; the transaction does not take their windows back). Windows of
 *       one (service, track) should come in roughly {@code windowEnd} order, as they do from one
 *       Kafka partition keyed by service; late ones are handled (see {@link BurnRateTracker}).
 *   <li><b>Per {@link AlertChange}</b> (usually none; at most one per rule and edge), in the same
 *       transaction as the window's processed-event marker: enqueue an outgoing event of type
 *       {@code SLO_BURN_RATE_ALERTED} ({@code dev.aegis.slo.burnrate.alerted.v1}, topic {@code
 *       aegis.lifecycle}, key = service) with CloudEvent id {@link AlertChange#eventId()} ({@code
 *       <service>/<track>/<rule>/<firedAt>/<state>}) and time {@link AlertChange#at()}; its data
 *       maps one to one: {@code service}, {@code track} ({@link AlertChange#trackWire()}), {@code
 *       version}, {@code rule} ({@code rule().name()}), {@code severity} ({@code
 *       rule().severity().wire()}), {@code state} ({@code state().wire()}), {@code longWindow},
 *       {@code shortWindow}, {@code factor}, {@code burnRateLong}, {@code burnRateShort}, {@code
 *       objective}, {@code firedAt}, {@code at}. Then set the gauge {@code
 *       aegis_slo_alert_firing{namespace,service,track,rule,severity}} to 1 on FIRING and 0 on
 *       RESOLVED, and, if the alert is a remediation trigger (see docs/slo-alerts.md: by default a
 *       {@link Severity#PAGE} firing on the {@code stable} track rolls production back, on the
 *       {@code canary} track fails the step), feed that to the core.
 *   <li><b>Gauges</b>: register {@code aegis_slo_burn_rate{service,track,window}} and {@code
 *       aegis_slo_window_coverage{service,track,window}} reading {@link #snapshot(String,
 *       HealthWindow.Track)} ({@link BurnRate#burnRate()}, {@link BurnRate#coverage()}); {@link
 *       #snapshots()} lists every track for a dashboard or {@code GET} endpoint.
 *   <li><b>When a track stops reporting for good</b> (an experiment's canary ended, a service is no
 *       longer managed): {@link #retire(String, HealthWindow.Track)} and publish the RESOLVED
 *       changes it returns, so no alert stays firing forever; the next window starts a fresh
 *       tracker.
 *   <li><b>Idle tracks are retired</b> so memory stays bounded by the tracks that still report:
 *       {@link #retireIdle(Instant)} (called by the retention sweeper with the window-retention
 *       cutoff) forgets every track whose newest window ended before the cutoff. Their RESOLVED
 *       changes are handed out with the next {@link #observe} call, whatever its track, so they are
 *       published in an ingest transaction like any other change.
 *   <li><b>After a restart</b> the trackers are empty. To resume, feed the stored windows of the
 *       longest rule window (3 days by default) before consuming new ones; changes re-emitted then
 *       carry the ids they had before, so the outbox ({@code ON CONFLICT DO NOTHING}) and consumers
 *       (dedup by source + id) drop them.
 * </ol>
 */
public final class BurnRateMonitor {

  /** A track of a service; {@code namespace} is null for windows that carry none. */
  private record Key(String namespace, String service, HealthWindow.Track track) {}

  private final Function<String, SloPolicy> policyOf;
  private final ConcurrentMap<Key, BurnRateTracker> trackers = new ConcurrentHashMap<>();
  private final Queue<AlertChange> retiredChanges = new ConcurrentLinkedQueue<>();

  /** A monitor holding every service to {@code policy}. */
  public BurnRateMonitor(SloPolicy policy) {
    this(service -> policy);
    Objects.requireNonNull(policy, "policy");
  }

  /**
   * A monitor asking {@code policyOf} for a service's policy when its first window of a track
   * arrives; the tracker keeps that policy until {@link #retire retired}.
   */
  public BurnRateMonitor(Function<String, SloPolicy> policyOf) {
    this.policyOf = Objects.requireNonNull(policyOf, "policyOf");
  }

  /**
   * Adds a health window to its track's tracker and evaluates that track's rules.
   *
   * @return the alerts that started firing or resolved, usually none; first the RESOLVED changes of
   *     tracks retired as idle since the last call (of any service)
   * @throws IllegalArgumentException if the window does not end after it starts or its counts are
   *     inconsistent (the codec rejects such windows before)
   */
  public List<AlertChange> observe(HealthWindow window) {
    return observe(window, null);
  }

  /**
   * {@link #observe(HealthWindow)} within a transaction: {@code journal} (when not null) keeps what
   * the window changed, so that {@link Journal#undo()} takes it back if the transaction rolls back.
   * Without it, a batch processed again after a rollback would count its windows twice, and an
   * alert that fired in the rolled-back attempt would not fire again: its event, and a production
   * rollback it triggers, would be lost.
   */
  public List<AlertChange> observe(HealthWindow window, Journal journal) {
    Key key = new Key(window.namespace(), window.service(), window.track());
    BurnRateTracker tracker = trackers.get(key);
    if (tracker == null) {
      BurnRateTracker fresh =
          new BurnRateTracker(
              key.namespace(), key.service(), key.track(), policyOf.apply(key.service()));
      tracker = trackers.putIfAbsent(key, fresh);
      if (tracker == null) {
        tracker = fresh;
        if (journal != null) {
          journal.created.put(key, fresh);
        }
      }
    }
    List<AlertChange> changes;
    synchronized (tracker) {
      changes =
          tracker.observe(
              window,
              journal == null
                  ? null
                  : journal.logs.computeIfAbsent(tracker, BurnRateTracker::undoLog));
    }
    if (retiredChanges.isEmpty()) {
      return changes;
    }
    List<AlertChange> all = new ArrayList<>();
    for (AlertChange retired = retiredChanges.poll();
        retired != null;
        retired = retiredChanges.poll()) {
      all.add(retired);
      if (journal != null) {
        journal.handedOut.add(retired);
      }
    }
    all.addAll(changes);
    return all;
  }

  /** A journal for the observations of one transaction. */
  public Journal journal() {
    return new Journal();
  }

  /**
   * What the observations of one transaction changed: the trackers' old values, the trackers it
   * created, and the RESOLVED changes of retired tracks it handed out. Confined to the thread that
   * runs the transaction.
   */
  public final class Journal {
    private final Map<BurnRateTracker, UndoLog> logs = new IdentityHashMap<>();
    private final Map<Key, BurnRateTracker> created = new HashMap<>();
    private final List<AlertChange> handedOut = new ArrayList<>(0);

    private Journal() {}

    /**
     * Takes back every observation made through this journal, newest first: the transaction that
     * published their changes rolled back. The journal is empty afterwards.
     */
    public void undo() {
      logs.forEach(
          (tracker, log) -> {
            synchronized (tracker) {
              log.undo();
            }
          });
      logs.clear();
      created.forEach(trackers::remove);
      created.clear();
      retiredChanges.addAll(handedOut);
      handedOut.clear();
    }
  }

  /**
   * Retires every track whose newest window ended before {@code cutoff}: a service that stopped
   * reporting, or stopped being managed, no longer holds memory. Firing alerts of those tracks are
   * resolved; the changes come out of the next {@link #observe} call.
   *
   * @return how many tracks were retired
   */
  public int retireIdle(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    int retired = 0;
    for (Map.Entry<Key, BurnRateTracker> entry : trackers.entrySet()) {
      BurnRateTracker tracker = entry.getValue();
      synchronized (tracker) {
        boolean idle = tracker.watermark().map(end -> end.isBefore(cutoff)).orElse(true);
        // remove(key, value): a tracker replaced meanwhile is left alone.
        if (idle && trackers.remove(entry.getKey(), tracker)) {
          retiredChanges.addAll(tracker.resolveAll());
          retired++;
        }
      }
    }
    return retired;
  }

  /**
   * The burn rates and alerts of one track of {@code service} in any namespace (the first), if it
   * has reported.
   */
  public Optional<BurnRateSnapshot> snapshot(String service, HealthWindow.Track track) {
    return trackers.keySet().stream()
        .filter(k -> k.service().equals(service) && k.track() == track)
        .min(Comparator.comparing(Key::namespace, Comparator.nullsFirst(Comparator.naturalOrder())))
        .flatMap(k -> snapshot(k.namespace(), service, track));
  }

  /**
   * The burn rates and alerts of one track of {@code service} in {@code namespace}, if it has
   * reported.
   */
  public Optional<BurnRateSnapshot> snapshot(
      String namespace, String service, HealthWindow.Track track) {
    BurnRateTracker tracker = trackers.get(new Key(namespace, service, track));
    if (tracker == null) {
      return Optional.empty();
    }
    synchronized (tracker) {
      return Optional.of(tracker.snapshot());
    }
  }

  /** Every tracked track, by service then track. */
  public List<BurnRateSnapshot> snapshots() {
    List<BurnRateTracker> all = new ArrayList<>(trackers.values());
    all.sort(
        Comparator.comparing(BurnRateTracker::service)
            .thenComparing(
                BurnRateTracker::namespace, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(BurnRateTracker::track));
    List<BurnRateSnapshot> snapshots = new ArrayList<>(all.size());
    for (BurnRateTracker tracker : all) {
      synchronized (tracker) {
        snapshots.add(tracker.snapshot());
      }
    }
    return snapshots;
  }

  /**
   * Forgets a track that will report no more, resolving its firing alerts at its watermark.
   *
   * @return the RESOLVED changes to publish, empty if nothing was firing or the track is unknown
   */
  public List<AlertChange> retire(String service, HealthWindow.Track track) {
    return retire(null, service, track);
  }

  /** As {@link #retire(String, HealthWindow.Track)}, for {@code service} in {@code namespace}. */
  public List<AlertChange> retire(String namespace, String service, HealthWindow.Track track) {
    BurnRateTracker tracker = trackers.remove(new Key(namespace, service, track));
    if (tracker == null) {
      return List.of();
    }
    synchronized (tracker) {
      return tracker.resolveAll();
    }
  }

  /**
   * Drops every track of {@code service} (in {@code namespace}, or in any namespace when null)
   * without resolving its alerts: another replica now owns the service and carries them on.
   *
   * @return how many tracks were dropped
   */
  public int handOver(String namespace, String service) {
    return handOver(List.of(new ServiceName(namespace, service)));
  }

  /**
   * A service handed over: {@code namespace} null for the service of that name in any namespace.
   */
  public record ServiceName(String namespace, String service) {}

  /**
   * {@link #handOver(String, String)} for all of {@code services} in one pass over the tracks: a
   * rebalance hands over every service of a partition at once, and one pass per service cost the
   * consumer thread services × tracks steps inside the rebalance callback (13% of it during a 10
   * 000-experiment benchmark run).
   *
   * @return how many tracks were dropped
   */
  public int handOver(Collection<ServiceName> services) {
    return handOver(new Handed(services));
  }

  /** {@link #handOver(Collection)} for services already gathered as a {@link Handed}. */
  public int handOver(Handed handed) {
    if (handed.isEmpty()) {
      return 0;
    }
    int dropped = 0;
    for (Key key : trackers.keySet()) {
      if (handed.covers(key.namespace(), key.service()) && trackers.remove(key) != null) {
        dropped++;
      }
    }
    return dropped;
  }

  /**
   * Which services a hand-over covers, by exact (namespace, service) or by name in any namespace.
   */
  public static final class Handed {
    private final Set<List<String>> exact = new HashSet<>();
    private final Set<String> anyNamespace = new HashSet<>();

    public Handed(Collection<ServiceName> services) {
      for (ServiceName s : services) {
        if (s.namespace() == null) {
          anyNamespace.add(s.service());
        } else {
          exact.add(List.of(s.namespace(), s.service()));
        }
      }
    }

    public boolean isEmpty() {
      return exact.isEmpty() && anyNamespace.isEmpty();
    }

    /** Whether the service {@code service} in {@code namespace} (null: none named) is covered. */
    public boolean covers(String namespace, String service) {
      return anyNamespace.contains(service)
          || (namespace != null && exact.contains(List.of(namespace, service)));
    }
  }

  /** How many tracks are tracked. */
  public int size() {
    return trackers.size();
  }
}
