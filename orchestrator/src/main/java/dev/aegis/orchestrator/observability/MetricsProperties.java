package dev.aegis.orchestrator.observability;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bounds on what the meters may hold ({@code aegis.metrics.*}).
 *
 * @param maxServices distinct {@code service} tag values kept; every later service is tagged {@code
 *     other} (see {@link ServiceTagLimit})
 */
@ConfigurationProperties("aegis.metrics")
public record MetricsProperties(@DefaultValue("200") int maxServices) {

  public MetricsProperties {
    if (maxServices < 0) {
      throw new IllegalArgumentException(
          "aegis.metrics.max-services must not be negative, was " + maxServices);
    }
  }
}
