package dev.aegis.orchestrator.retention;

import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.RetentionRepository;
import dev.aegis.orchestrator.persistence.RetentionRepository.Prunable;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.production.slo.BurnRateMonitor;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
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
 *       notifications still PENDING; experiments that are not settled, that are the service's
 *       production version or its rollback target, that still have an unpublished outbox row, or
 *       whose quarantine is open.
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

  /** What the sweeper prunes, each with its table and its retention period. */
  public enum Kind {
    HEALTH_WINDOWS(Prunable.HEALTH_WINDOWS, RetentionProperties::healthWindows),
    /** Step samples a new step or a merge superseded, with the health windows' period. */
    SUPERSEDED_SAMPLES(Prunable.SUPERSEDED_SAMPLES, RetentionProperties::healthWindows),
    INBOX(Prunable.INBOX, RetentionProperties::inbox),
    PUBLISHED_OUTBOX(Prunable.PUBLISHED_OUTBOX, RetentionProperties::publishedOutbox),
    DEAD_LETTERS(Prunable.DEAD_LETTERS, RetentionProperties::deadLetters),
    SETTLED_EXPERIMENTS(Prunable.SETTLED_EXPERIMENTS, RetentionProperties::settledExperiments),
    /** Notifications delivered or given up (FAILED); a PENDING one is never pruned. */
    FINISHED_NOTIFICATIONS(Prunable.FINISHED_NOTIFICATIONS, RetentionProperties::notifications),
    /** The marks of DLQ growth alerts already raised, by the time they were raised. */
    DLQ_ALERT_MARKS(Prunable.DLQ_ALERT_MARKS, RetentionProperties::notifications);

    private final Prunable rows;
    private final Function<RetentionProperties, Duration> period;

    Kind(Prunable rows, Function<RetentionProperties, Duration> period) {
      this.rows = rows;
      this.period = period;
    }

    /** The table rows of this kind are deleted from. */
    public String table() {
      return rows.table();
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

  private final Transactions transactions;
  private final RetentionRepository retention;
  private final RetentionProperties properties;
  private final AuditRepository audit;
  private final Optional<BurnRateMonitor> burnRates;
  private final MeterRegistry metrics;
  private final Clock clock;

  public RetentionSweeper(
      Transactions transactions,
      RetentionRepository retention,
      RetentionProperties properties,
      AuditRepository audit,
      Optional<BurnRateMonitor> burnRates,
      MeterRegistry metrics,
      Clock clock) {
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    this.retention = Objects.requireNonNull(retention, "retention");
    this.properties = Objects.requireNonNull(properties, "properties");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.burnRates = Objects.requireNonNull(burnRates, "burnRates");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Runs one sweep now. */
  public Sweep sweep() {
    Instant now = clock.instant();
    try (Tx h = transactions.open()) {
      if (!retention.tryLock(h, LOCK_KEY)) {
        LOG.debug("Retention sweep skipped: another replica is sweeping");
        metrics.counter("aegis.retention.sweeps", "outcome", "skipped").increment();
        return new Skipped(now);
      }
      try {
        return sweepLocked(h, now);
      } finally {
        retention.unlock(h, LOCK_KEY);
      }
    }
  }

  private Swept sweepLocked(Tx h, Instant now) {
    Map<Kind, Long> pruned = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      long count = prune(h, kind, now.minus(kind.period(properties)));
      pruned.put(kind, count);
      metrics.counter("aegis.retention.pruned", "table", kind.table()).increment(count);
    }
    int retired = burnRates.map(m -> m.retireIdle(now.minus(properties.healthWindows()))).orElse(0);
    metrics.counter("aegis.retention.retired.tracks").increment(retired);
    Swept swept = new Swept(now, pruned, retired);
    h.useTransaction(tx -> audit.record(tx, ACTOR, AUDIT_ACTION, null, detail(swept), now));
    metrics.counter("aegis.retention.sweeps", "outcome", "swept").increment();
    LOG.info(
        "Retention sweep pruned {} row(s) {} and retired {} burn-rate track(s)",
        swept.total(),
        detail(swept).get("pruned"),
        retired);
    return swept;
  }

  private long prune(Tx h, Kind kind, Instant cutoff) {
    long total = 0;
    for (int batch = 0; batch < properties.maxBatchesPerSweep(); batch++) {
      int deleted =
          h.inTransaction(
              tx -> retention.deleteBatch(tx, kind.rows, cutoff, properties.batchSize()));
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
