package dev.aegis.orchestrator.standalone.infrastructure;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The one place a Kafka client built by hand gets its configuration: the bootstrap address of
 * {@link AegisKafkaBootstrap} plus every security setting Spring Boot's own clients get ({@code
 * spring.kafka.security.protocol}, {@code spring.kafka.ssl.*}, {@code spring.kafka.properties.*}
 * such as {@code sasl.*} and {@code config.providers}, and {@code spring.kafka.admin.*}).
 *
 * <p>Contract: {@link #adminConfig()} is the configuration of Boot's {@link KafkaAdmin}, so an
 * admin client made here authenticates exactly as the producer and consumers do. Code that needs a
 * producer or consumer uses Boot's factories, which already carry the same settings.
 */
public final class AegisKafkaClients {

  private final KafkaAdmin admin;

  public AegisKafkaClients(KafkaAdmin admin) {
    this.admin = admin;
  }

  /** The admin client configuration, security settings included; a copy the caller may change. */
  public Map<String, Object> adminConfig() {
    return new HashMap<>(admin.getConfigurationProperties());
  }

  /** A new admin client; the caller closes it. */
  public Admin createAdmin() {
    return Admin.create(adminConfig());
  }
}
