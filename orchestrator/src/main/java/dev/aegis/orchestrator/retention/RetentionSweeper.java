package dev.aegis.orchestrator.retention;

import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.production.slo.BurnRateMonitor;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what has outlived its retention period (docs/retention.md), in bounded batches.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>One replica sweeps at a time: a sweep takes a session-level advisory lock ({@value
 *       #LOCK_KEY}) without waiting; a replica that does not get it returns {@link Skipped}.
 *   <li>Each batch is its own short transaction deleting at most {@code batch-size} rows it picks
 *       with {@code FOR UPDATE SKIP LOCKED}, so rows the ingest path holds are left for the next
 *       sweep and the hot path never waits on the sweeper.
 *   <li>Never deleted: windows a running experiment counted; outbox rows not yet published;
 *       experiments that are not settled, that are the service's production version or its
 *       rollback target, that still have an unpublished outbox row, or whose quarantine is open.
 *   <li>Never deleted at all: the audit log, transitions and RCA records. A deleted experiment is
 *       copied into {@code experiments_archive} by a database trigger first.
 *   <li>Every completed sweep writes one audit row ({@value #AUDIT_ACTION}, with the counts) and
 *       adds the counts to the counter {@code aegis.retention.pruned{table}}.
 *   <li>Idle burn-rate tracks (no window for the health-window period) are retired.
 * </ul>
 *
 * <p>Time comes from the injected {@link Clock}. Errors (a lost connection, a lock timeout)
 * propagate; the rows already deleted stay deleted, and the next sweep carries on.
 */
public final class RetentionSweeper {

  static final String ACTOR = "aegis:retention";
  static final String AUDIT_ACTION = "retention.sweep";
  /** The advisory lock key of the sweep: "aegis-rt" in ASCII. */
  static final long LOCK_KEY = 0x61656769732d7274L;

  private static final Logger LOG = LoggerFactory.getLogger(RetentionSweeper.class);
  private static final String SETTLED = Arrays.stream(Phase.values())
      .filter(Phase::isSettled).map(p -> "'" + p.name() + "'").collect(Collectors.joining(", "));

  /** What the sweeper prunes, each with its table. */
  public enum Kind {
    HEALTH_WINDOWS("health_windows", RetentionProperties::healthWindows, """
        DELETE FROM health_windows WHERE id IN (
          SELECT w.id FROM health_windows w
          WHERE w.window_end < :cutoff
            AND NOT EXISTS (SELECT 1 FROM experiments e
                            WHERE e.id = w.experiment_id AND e.phase NOT IN (%s))
          LIMIT :limit FOR UPDATE OF w SKIP LOCKED)""".formatted(SETTLED)),
    INBOX("processed_events", RetentionProperties::inbox, """
        DELETE FROM processed_events WHERE (source, event_id) IN (
          SELECT source, event_id FROM processed_events
          WHERE processed_at < :cutoff
          LIMIT :limit FOR UPDATE SKIP LOCKED)"""),
    PUBLISHED_OUTBOX("outbox", RetentionProperties::publishedOutbox, """
        DELETE FROM outbox WHERE seq IN (
          SELECT seq FROM outbox
          WHERE status = 'DONE' AND done_at < :cutoff
          ORDER BY done_at LIMIT :limit FOR UPDATE SKIP LOCKED)"""),
    DEAD_LETTERS("dead_letters", RetentionProperties::deadLetters, """
        DELETE FROM dead_letters WHERE id IN (
          SELECT id FROM dead_letters
          WHERE recorded_at < :cutoff AND (last_replayed_at IS NULL OR last_replayed_at < :cutoff)
          ORDER BY recorded_at LIMIT :limit FOR UPDATE SKIP LOCKED)"""),
    SETTLED_EXPERIMENTS("experiments", RetentionProperties::settledExperiments, """
        DELETE FROM experiments WHERE id IN (
          SELECT e.id FROM experiments e
          WHERE e.phase IN (%s) AND e.updated_at < :cutoff
            AND NOT EXISTS (SELECT 1 FROM services s WHERE s.namespace = e.namespace AND s.name = e.service
                            AND e.candidate_version IN (s.production_version,
                                                        s.previous_production_version))
            AND NOT EXISTS (SELECT 1 FROM outbox o
                            WHERE o.experiment_id = e.id AND o.status <> 'DONE')
            AND NOT EXISTS (SELECT 1 FROM rca_records r
                            WHERE r.experiment_id = e.id AND r.released_at IS NULL)
          ORDER BY e.updated_at LIMIT :limit FOR UPDATE OF e SKIP LOCKED)""".formatted(SETTLED));

    private final String table;
    private final Function<RetentionProperties, Duration> period;
    private final String deleteBatch;

    Kind(String table, Function<RetentionProperties, Duration> period, String deleteBatch) {
      this.table = table;
      this.period = period;
      this.deleteBatch = deleteBatch;
    }

    /** The table rows of this kind are deleted from. */
    public String table() {
      return table;
    }

    Duration period(RetentionProperties properties) {
      return period.apply(properties);
    }
  }

  /** What a call to {@link #sweep()} did. */
  public sealed interface Sweep permits Swept, Skipped {
    Instant at();
  }

  /**
   * A completed sweep.
   *
   * @param pruned rows deleted per kind, every kind present
   * @param retiredTracks burn-rate tracks retired as idle
   */
  public record Swept(Instant at, Map<Kind, Long> pruned, int retiredTracks) implements Sweep {
    public Swept {
      pruned = Collections.unmodifiableMap(new EnumMap<>(pruned));
    }

    public long total() {
      return pruned.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Another replica was sweeping; nothing was done. */
  public record Skipped(Instant at) implements Sweep {}

  private final Jdbi jdbi;
  private final RetentionProperties properties;
  private final AuditRepository audit;
  private final Optional<BurnRateMonitor> burnRates;
  private final MeterRegistry metrics;
  private final Clock clock;

  public RetentionSweeper(Jdbi jdbi, RetentionProperties properties, AuditRepository audit,
      Optional<BurnRateMonitor> burnRates, MeterRegistry metrics, Clock clock) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.properties = Objects.requireNonNull(properties, "properties");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.burnRates = Objects.requireNonNull(burnRates, "burnRates");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Runs one sweep now. */
  public Sweep sweep() {
    Instant now = clock.instant();
    try (Handle h = jdbi.open()) {
      if (!h.createQuery("SELECT pg_try_advisory_lock(:key)").bind("key", LOCK_KEY)
          .mapTo(Boolean.class).one()) {
        LOG.debug("Retention sweep skipped: another replica is sweeping");
        metrics.counter("aegis.retention.sweeps", "outcome", "skipped").increment();
        return new Skipped(now);
      }
      try {
        return sweepLocked(h, now);
      } finally {
        h.createQuery("SELECT pg_advisory_unlock(:key)").bind("key", LOCK_KEY)
            .mapTo(Boolean.class).one();
      }
    }
  }

  private Swept sweepLocked(Handle h, Instant now) {
    Map<Kind, Long> pruned = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      long count = prune(h, kind, now.minus(kind.period(properties)));
      pruned.put(kind, count);
      metrics.counter("aegis.retention.pruned", "table", kind.table()).increment(count);
    }
    int retired = burnRates.map(m -> m.retireIdle(now.minus(properties.healthWindows())))
        .orElse(0);
    metrics.counter("aegis.retention.retired.tracks").increment(retired);
    Swept swept = new Swept(now, pruned, retired);
    h.useTransaction(tx -> audit.record(tx, ACTOR, AUDIT_ACTION, null, detail(swept), now));
    metrics.counter("aegis.retention.sweeps", "outcome", "swept").increment();
    LOG.info("Retention sweep pruned {} row(s) {} and retired {} burn-rate track(s)",
        swept.total(), detail(swept).get("pruned"), retired);
    return swept;
  }

  private long prune(Handle h, Kind kind, Instant cutoff) {
    long total = 0;
    for (int batch = 0; batch < properties.maxBatchesPerSweep(); batch++) {
      int deleted = h.inTransaction(tx -> {
        // A batch never queues behind the hot path for long; it fails and the next sweep retries.
        tx.execute("SET LOCAL lock_timeout = '2s'");
        return tx.createUpdate(kind.deleteBatch)
            .bind("cutoff", cutoff).bind("limit", properties.batchSize()).execute();
      });
      total += deleted;
      if (deleted < properties.batchSize()) {
        break;
      }
    }
    return total;
  }

  private Map<String, Object> detail(Swept swept) {
    Map<String, Object> counts = new LinkedHashMap<>();
    swept.pruned().forEach((kind, count) -> counts.put(kind.table(), count));
    Map<String, Object> periods = new LinkedHashMap<>();
    for (Kind kind : Kind.values()) {
      periods.put(kind.table(), kind.period(properties).toString());
    }
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("pruned", counts);
    detail.put("retiredBurnRateTracks", swept.retiredTracks());
    detail.put("periods", periods);
    return detail;
  }
}
