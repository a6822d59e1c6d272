package dev.aegis.orchestrator.observability;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bounds on what the meters may hold ({@code aegis.metrics.*}).
 *
 * @param maxServices distinct {@code service} tag values kept; every later service is tagged {@code
 *     other} (see {@link ServiceTagLimit})
 * @param stuckExperiments when a live experiment counts as stuck, and how often they are counted
 */
@ConfigurationProperties("aegis.metrics")
public record MetricsProperties(
    @DefaultValue("200") int maxServices, @DefaultValue StuckExperiments stuckExperiments) {

  public MetricsProperties {
    if (maxServices < 0) {
      throw new IllegalArgumentException(
          "aegis.metrics.max-services must not be negative, was " + maxServices);
    }
  }

  /**
   * The gauge {@code aegis.experiments.stuck} ({@code aegis.metrics.stuck-experiments.*}, see
   * {@link StuckExperimentsGauge}).
   *
   * @param grace how long a CANARY or PAUSED step may run past its planned time (minimum duration
   *     plus the longest extension) before it counts as stuck
   * @param rollbackGrace how long a rollback may last before it counts as stuck
   * @param interval time between counts; the first runs shortly after start
   */
  public record StuckExperiments(
      @DefaultValue("PT1H") Duration grace,
      @DefaultValue("PT15M") Duration rollbackGrace,
      @DefaultValue("PT1M") Duration interval) {

    public StuckExperiments {
      requireDuration(grace, "grace", true);
      requireDuration(rollbackGrace, "rollback-grace", true);
      requireDuration(interval, "interval", false);
    }

    private static void requireDuration(Duration value, String name, boolean zeroAllowed) {
      if (value == null || value.isNegative() || (!zeroAllowed && value.isZero())) {
        throw new IllegalArgumentException(
            "aegis.metrics.stuck-experiments."
                + name
                + (zeroAllowed ? " must not be negative" : " must be a positive duration"));
      }
    }
  }
}
