package dev.aegis.orchestrator.retention;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long Aegis keeps what it no longer needs (docs/retention.md). Durations are ISO-8601 ({@code
 * P14D}, {@code PT1H}) or Spring's short form ({@code 14d}, {@code 1h}).
 *
 * @param enabled whether the sweeper runs at all
 * @param interval time between sweeps; the first runs one interval after start
 * @param batchSize rows deleted per transaction, so no sweep holds locks for long
 * @param maxBatchesPerSweep batches per table and sweep; the rest waits for the next sweep
 * @param healthWindows age (by window end) after which health windows go, unless a running
 *     experiment counted them; also how long a burn-rate track may stay silent before it is retired
 * @param inbox age after which processed-event markers go; a record redelivered later than this
 *     would be applied again
 * @param publishedOutbox age (since publication) after which published outbox rows go; an
 *     idempotency key is honoured for this long
 * @param deadLetters age after which dead letters go (since recorded, and since last replayed)
 * @param settledExperiments age (since settling) after which settled experiments are archived
 * @param notifications age after which notifications that were delivered (since delivery) or given
 *     up (FAILED, since the last attempt) go; PENDING ones stay. The notification's idempotency key
 *     is honoured for this long
 */
@ConfigurationProperties("aegis.retention")
public record RetentionProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("PT1H") Duration interval,
    @DefaultValue("1000") int batchSize,
    @DefaultValue("100") int maxBatchesPerSweep,
    @DefaultValue("P14D") Duration healthWindows,
    @DefaultValue("P7D") Duration inbox,
    @DefaultValue("P7D") Duration publishedOutbox,
    @DefaultValue("P30D") Duration deadLetters,
    @DefaultValue("P90D") Duration settledExperiments,
    @DefaultValue("P30D") Duration notifications) {

  public RetentionProperties {
    requirePositive(interval, "interval");
    requirePositive(healthWindows, "health-windows");
    requirePositive(inbox, "inbox");
    requirePositive(publishedOutbox, "published-outbox");
    requirePositive(deadLetters, "dead-letters");
    requirePositive(settledExperiments, "settled-experiments");
    requirePositive(notifications, "notifications");
    if (batchSize < 1 || maxBatchesPerSweep < 1) {
      throw new IllegalArgumentException(
          "aegis.retention.batch-size and max-batches-per-sweep must be at least 1");
    }
  }

  private static void requirePositive(Duration value, String name) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          "aegis.retention." + name + " must be a positive duration");
    }
  }
}
