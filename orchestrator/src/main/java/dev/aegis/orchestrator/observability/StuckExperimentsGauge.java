package dev.aegis.orchestrator.observability;

import dev.aegis.orchestrator.persistence.StuckExperimentRepository;
import dev.aegis.orchestrator.persistence.StuckExperimentRepository.Reason;
import dev.aegis.orchestrator.persistence.Transactions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gauge {@code aegis.experiments.stuck{reason}}: live experiments that do not move (see {@link
 * StuckExperimentRepository} for what counts and docs/production.md for the alert on it).
 *
 * <p>A scrape never touches the database: {@link #refresh()} counts with one statement on a
 * schedule ({@code aegis.metrics.stuck-experiments.interval}) and the gauge reads the last count. A
 * failed refresh keeps the last count and propagates. Every replica counts every experiment, so all
 * replicas report the same number; alerts take {@code max} over them.
 */
public final class StuckExperimentsGauge {

  private static final Logger log = LoggerFactory.getLogger(StuckExperimentsGauge.class);

  private final Transactions transactions;
  private final StuckExperimentRepository repository;
  private final MetricsProperties.StuckExperiments settings;
  private final Clock clock;
  private final Map<Reason, AtomicLong> counts = new EnumMap<>(Reason.class);

  public StuckExperimentsGauge(
      Transactions transactions,
      StuckExperimentRepository repository,
      MetricsProperties.StuckExperiments settings,
      MeterRegistry registry,
      Clock clock) {
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    this.repository = Objects.requireNonNull(repository, "repository");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    for (Reason reason : Reason.values()) {
      AtomicLong count = new AtomicLong();
      counts.put(reason, count);
      // Held strongly: a gauge reads NaN once its object is collected, and the registry must not
      // depend on whoever built this to keep it reachable.
      Gauge.builder("aegis.experiments.stuck", count, AtomicLong::get)
          .strongReference(true)
          .tag("reason", reason.tag())
          .register(registry);
    }
  }

  /** Counts the stuck experiments now and sets the gauge; returns the counts by reason. */
  public Map<Reason, Long> refresh() {
    long started = System.nanoTime();
    Map<Reason, Long> stuck =
        transactions.inTransaction(
            h ->
                repository.countStuck(
                    h, clock.instant(), settings.grace(), settings.rollbackGrace()));
    boolean changed = false;
    for (Map.Entry<Reason, Long> e : stuck.entrySet()) {
      changed |= counts.get(e.getKey()).getAndSet(e.getValue()) != e.getValue();
    }
    long tookMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    // One line when the picture changes, not one a minute while an experiment stays stuck.
    if (changed) {
      log.info("Stuck live experiments now {} (counted in {} ms)", stuck, tookMs);
    } else {
      log.debug("Stuck live experiments unchanged {} (counted in {} ms)", stuck, tookMs);
    }
    return Collections.unmodifiableMap(stuck);
  }
}
