package dev.aegis.orchestrator.observability;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Applied by Spring Boot to every meter registry. */
@Configuration
class MetricsConfiguration {

  /** {@code aegis.metrics.max-services}: distinct service tag values kept before the rest become {@code other}. */
  @Bean
  ServiceTagLimit serviceTagLimit(@Value("${aegis.metrics.max-services:200}") int maxServices) {
    return new ServiceTagLimit(maxServices);
  }
}
