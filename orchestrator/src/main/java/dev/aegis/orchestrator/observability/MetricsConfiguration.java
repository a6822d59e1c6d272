package dev.aegis.orchestrator.observability;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Meter filters, which Spring Boot applies to every meter registry before any meter is registered.
 */
@Configuration
class MetricsConfiguration {

  @Bean
  ServiceTagLimit serviceTagLimit(MetricsProperties properties) {
    return new ServiceTagLimit(properties.maxServices());
  }

  /** Help text and base unit of every Aegis meter. */
  @Bean
  MeterCatalogue meterCatalogue() {
    return new MeterCatalogue();
  }
}
