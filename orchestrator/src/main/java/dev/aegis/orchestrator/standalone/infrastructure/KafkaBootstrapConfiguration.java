package dev.aegis.orchestrator.standalone.infrastructure;

import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Aegis's Kafka address: external via {@code KAFKA_BOOTSTRAP_SERVERS}, else an in-process KRaft
 * broker (see {@link KafkaSettings}), published to the rest of the application three ways:
 *
 * <ol>
 *   <li>the {@link AegisKafkaBootstrap} bean, for code that builds clients itself;
 *   <li>Spring Boot's {@code KafkaProperties}, completed by {@link KafkaPropertiesBootstrapBinder}
 *       before any Boot-made Kafka bean uses it;
 *   <li>the property {@code spring.kafka.bootstrap-servers}, for code that reads it by name once
 *       the bootstrap bean exists (e.g. the actuator's env endpoint).
 * </ol>
 *
 * <p>Why beans rather than an EnvironmentPostProcessor: a post-processor would start the broker
 * before the context exists, outside its lifecycle, before test property sources are applied, and
 * would need registering in spring.factories; the bean way is ordered by dependencies, starts and
 * stops with the context, and honours test overrides of {@code aegis.kafka.bootstrap-servers}.
 */
@Configuration(value = "aegisKafkaBootstrapConfiguration", proxyBeanMethods = false)
public class KafkaBootstrapConfiguration {

  static final String SPRING_BOOTSTRAP_SERVERS = "spring.kafka.bootstrap-servers";
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBootstrapConfiguration.class);

  /** The cluster, external or embedded; the Spring context stops an embedded broker on close. */
  @Bean(destroyMethod = "close")
  public AegisKafkaBootstrap aegisKafkaBootstrap(ConfigurableEnvironment environment) {
    AegisKafkaBootstrap bootstrap = AegisKafkaBootstrap.start(KafkaSettings.from(environment));
    warnIfOverridden(environment, bootstrap);
    environment
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "aegisKafkaBootstrap",
                Map.of(SPRING_BOOTSTRAP_SERVERS, bootstrap.bootstrapServers())));
    return bootstrap;
  }

  /**
   * Configuration for Kafka clients built by hand: the same address and security settings as
   * Boot's.
   */
  @Bean
  public AegisKafkaClients aegisKafkaClients(KafkaAdmin admin) {
    return new AegisKafkaClients(admin);
  }

  /** Completes Spring Boot's KafkaProperties with the bootstrap address. */
  @Bean
  static KafkaPropertiesBootstrapBinder aegisKafkaPropertiesBootstrapBinder() {
    return new KafkaPropertiesBootstrapBinder();
  }

  private static void warnIfOverridden(ConfigurableEnvironment env, AegisKafkaBootstrap bootstrap) {
    String configured = env.getProperty(SPRING_BOOTSTRAP_SERVERS);
    if (configured != null && !Objects.equals(configured, bootstrap.bootstrapServers())) {
      LOG.warn(
          "{}={} is ignored: Aegis uses {}; set KAFKA_BOOTSTRAP_SERVERS (or {}) instead",
          SPRING_BOOTSTRAP_SERVERS,
          configured,
          bootstrap.bootstrapServers(),
          KafkaSettings.BOOTSTRAP_SERVERS);
    }
  }
}
