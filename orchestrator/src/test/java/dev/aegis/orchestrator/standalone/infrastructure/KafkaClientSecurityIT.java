package dev.aegis.orchestrator.standalone.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.util.ReflectionTestUtils;

/**
 * The SASL and TLS settings of {@code spring.kafka.*} reach every Kafka client of Aegis: the
 * producer, the consumers of both listener containers, Boot's admin and the admin of {@link
 * AegisKafkaClients}; a password given as Kafka's {@code ${file:...}} reference is read from the
 * mounted file by each client. The shared broker is plaintext, so the SASL and TLS settings are
 * carried but not used here.
 */
@AegisComponentTest
class KafkaClientSecurityIT {

  private static final String SECRET = "from-a-mounted-file";
  private static final String TRUST_STORE = "/etc/aegis/kafka/truststore.p12";

  @Autowired KafkaTemplate<byte[], byte[]> template;
  @Autowired KafkaAdmin bootAdmin;
  @Autowired AegisKafkaClients clients;
  @Autowired Map<String, AbstractMessageListenerContainer<?, ?>> containers;

  @DynamicPropertySource
  static void kafkaSecurity(DynamicPropertyRegistry registry) {
    Path secrets = secretsFile();
    registry.add("spring.kafka.properties.config.providers", () -> "file");
    registry.add(
        "spring.kafka.properties.config.providers.file.class",
        () -> "org.apache.kafka.common.config.provider.FileConfigProvider");
    registry.add("spring.kafka.properties.sasl.mechanism", () -> "SCRAM-SHA-512");
    // The backslash keeps Spring from resolving the reference: Kafka does, in each client.
    registry.add(
        "spring.kafka.properties.sasl.jaas.config",
        () ->
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"aegis\" "
                + "password=\"\\${file:"
                + secrets
                + ":password}\";");
    registry.add("spring.kafka.ssl.trust-store-location", () -> "file:" + TRUST_STORE);
    registry.add("spring.kafka.ssl.trust-store-type", () -> "PKCS12");
  }

  @Test
  @DisplayName(
      "producer, both listener containers' consumers, Boot's admin and AegisKafkaClients' admin all get the SASL mechanism, the file-provided password and the trust store")
  void everyClientGetsTheSecuritySettings() {
    Map<String, AbstractConfig> configs = new LinkedHashMap<>();
    configs.put(
        "producer", new ProducerConfig(template.getProducerFactory().getConfigurationProperties()));
    assertThat(containers).containsKeys("ingestContainer", "deadLetterContainer");
    containers.forEach(
        (name, container) -> {
          // The factory each container really uses (it has no getter).
          ConsumerFactory<?, ?> factory =
              (ConsumerFactory<?, ?>) ReflectionTestUtils.getField(container, "consumerFactory");
          Map<String, Object> consumer = new LinkedHashMap<>(factory.getConfigurationProperties());
          container
              .getContainerProperties()
              .getKafkaConsumerProperties()
              .forEach((key, value) -> consumer.put(key.toString(), value));
          configs.put(name, new ConsumerConfig(consumer));
        });
    configs.put("boot admin", new AdminClientConfig(bootAdmin.getConfigurationProperties()));
    configs.put("aegis admin", new AdminClientConfig(clients.adminConfig()));

    configs.forEach(
        (client, config) -> {
          assertThat(config.getString(SaslConfigs.SASL_MECHANISM))
              .as(client)
              .isEqualTo("SCRAM-SHA-512");
          assertThat(config.getPassword(SaslConfigs.SASL_JAAS_CONFIG).value())
              .as(client)
              .contains("password=\"" + SECRET + "\"")
              .doesNotContain("${file:");
          assertThat(config.getString(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG))
              .as(client)
              .isEqualTo(TRUST_STORE);
          assertThat(config.getString(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG))
              .as(client)
              .isEqualTo("PKCS12");
        });
  }

  @Test
  @DisplayName("an admin client from AegisKafkaClients reaches the cluster Aegis uses")
  void handBuiltAdminReachesTheCluster() throws Exception {
    try (Admin admin = clients.createAdmin()) {
      assertThat(admin.describeCluster().nodes().get().size()).isPositive();
    }
  }

  @Test
  @DisplayName(
      "the documented environment variables bind: SPRING_KAFKA_SECURITY_PROTOCOL, SPRING_KAFKA_PROPERTIES_SASL_*, SPRING_KAFKA_SSL_*")
  void environmentVariablesBind() {
    StandardEnvironment environment = new StandardEnvironment();
    // Named as the real one, so Boot maps the names as it does for the process environment.
    environment
        .getPropertySources()
        .replace(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of(
                    "SPRING_KAFKA_SECURITY_PROTOCOL",
                    "SASL_SSL",
                    "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM",
                    "OAUTHBEARER",
                    "SPRING_KAFKA_PROPERTIES_SASL_LOGIN_CALLBACK_HANDLER_CLASS",
                    "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler",
                    "SPRING_KAFKA_PROPERTIES_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL",
                    "https://idp.example/token",
                    "SPRING_KAFKA_SSL_TRUST_STORE_LOCATION",
                    "file:" + TRUST_STORE)));
    ConfigurationPropertySources.attach(environment);
    KafkaProperties properties =
        Binder.get(environment).bind("spring.kafka", KafkaProperties.class).get();

    Map<String, Object> producer = properties.buildProducerProperties(null);
    assertThat(producer)
        .containsEntry(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL")
        .containsEntry(SaslConfigs.SASL_MECHANISM, "OAUTHBEARER")
        .containsEntry(
            SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS,
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler")
        .containsEntry(SaslConfigs.SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL, "https://idp.example/token")
        .containsEntry(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, TRUST_STORE);
    assertThat(properties.buildAdminProperties(null))
        .containsAllEntriesOf(
            Map.of(
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                "SASL_SSL",
                SaslConfigs.SASL_MECHANISM,
                "OAUTHBEARER"));
  }

  private static Path secretsFile() {
    try {
      Path dir = Files.createTempDirectory("aegis-kafka-secrets");
      Path file = dir.resolve("kafka.properties");
      Files.writeString(file, "password=" + SECRET + "\n");
      file.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
