package dev.aegis.orchestrator.config;

import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.persistence.StateJson;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The application's JSON mapper (API, live stream) writes the core's values as they are stored. */
@Configuration(proxyBeanMethods = false)
class JsonConfiguration {

  @Bean
  Jackson2ObjectMapperBuilderCustomizer judgmentsAsStored() {
    return builder -> builder.mixIn(Judgment.class, StateJson.JudgmentJson.class);
  }
}
