package dev.aegis.orchestrator.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Reading the facts from an environment: property names, env names, and where each value came from.
 */
class StartupFactsTest {

  private final StandardEnvironment env = new StandardEnvironment();
  private final Map<String, Object> variables = new HashMap<>();
  private final Map<String, Object> properties = new HashMap<>();

  StartupFactsTest() {
    // The process's real variables stay out: the facts come from these maps only.
    env.getPropertySources()
        .replace(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
    env.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
    env.getPropertySources().addLast(new MapPropertySource("config", properties));
  }

  @Test
  @DisplayName("nothing configured: standalone defaults")
  void defaults() {
    StartupFacts facts = StartupFacts.from(env);
    assertThat(facts.productionProfile()).isFalse();
    assertThat(facts.development()).isFalse();
    assertThat(facts.kafkaBootstrapServers()).isEmpty();
    assertThat(facts.kafkaProtocols())
        .containsOnly(
            Map.entry("consumer", "PLAINTEXT"),
            Map.entry("producer", "PLAINTEXT"),
            Map.entry("admin", "PLAINTEXT"));
    assertThat(facts.database()).isEmpty();
    assertThat(facts.kubernetesMode()).isEqualTo("embedded");
    assertThat(facts.simulatorEnabled()).isEmpty();
    assertThat(facts.apiAuth()).isEqualTo("token");
    assertThat(facts.apiToken()).isEmpty();
    assertThat(facts.jwtConfigured()).isFalse();
    assertThat(facts.sourceAllowList()).isFalse();
    assertThat(facts.secretsOnCommandLine()).isEmpty();
  }

  @Test
  @DisplayName(
      "the documented env names are read: AEGIS_API_TOKEN, KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL, ...")
  void envNames() {
    variables.put("AEGIS_API_TOKEN", "from-the-environment");
    variables.put("KAFKA_BOOTSTRAP_SERVERS", "kafka.prod.internal:9093");
    variables.put("DATABASE_URL", "postgres://aegis@db.prod.internal/aegis");
    variables.put("DATABASE_PASSWORD", "database-secret");
    variables.put("AEGIS_KUBERNETES_MODE", "external");
    variables.put("AEGIS_SECURITY_DEVELOPMENT", "true");
    variables.put("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI", "https://issuer.example");
    variables.put("AEGIS_KAFKA_TRUST_SOURCES_HEALTH", "urn:aegis:monitor");

    StartupFacts facts = StartupFacts.from(env);
    assertThat(facts.apiToken()).contains("from-the-environment");
    assertThat(facts.kafkaBootstrapServers()).contains("kafka.prod.internal:9093");
    assertThat(facts.database())
        .hasValueSatisfying(
            db -> {
              assertThat(db.username()).isEqualTo("aegis");
              assertThat(db.password()).isEqualTo("database-secret");
            });
    assertThat(facts.kubernetesMode()).isEqualTo("external");
    assertThat(facts.development()).isTrue();
    assertThat(facts.jwtConfigured()).isTrue();
    assertThat(facts.sourceAllowList()).isTrue();
  }

  @Test
  @DisplayName("the production profile, a database password inside the URL")
  void profileAndUrlPassword() {
    env.setActiveProfiles("production");
    properties.put("aegis.database.url", "postgresql://aegis:in%40url@db.prod.internal:5432/aegis");
    StartupFacts facts = StartupFacts.from(env);
    assertThat(facts.productionProfile()).isTrue();
    assertThat(facts.database())
        .hasValueSatisfying(db -> assertThat(db.password()).isEqualTo("in@url"));
  }

  @Test
  @DisplayName(
      "each Kafka client's protocol: its own properties map, its own setting, then the shared ones")
  void kafkaProtocols() {
    properties.put("spring.kafka.security.protocol", "ssl");
    properties.put("spring.kafka.properties[security.protocol]", "SASL_SSL");
    properties.put("spring.kafka.producer.security.protocol", "SSL");
    properties.put("spring.kafka.admin.properties.security.protocol", "SASL_PLAINTEXT");
    assertThat(StartupFacts.from(env).kafkaProtocols())
        .containsOnly(
            Map.entry("consumer", "SASL_SSL"),
            Map.entry("producer", "SSL"),
            Map.entry("admin", "SASL_PLAINTEXT"));
  }

  @Test
  @DisplayName("an allow-list entry counts only if it has a value, placeholders resolved")
  void allowListValues() {
    properties.put("aegis.kafka.trust.sources.health[0]", "${TRUSTED_HEALTH_SOURCE:}");
    assertThat(StartupFacts.from(env).sourceAllowList()).isFalse();

    variables.put("TRUSTED_HEALTH_SOURCE", "urn:aegis:monitor");
    assertThat(StartupFacts.from(env).sourceAllowList()).isTrue();
  }

  @Test
  @DisplayName("secrets on the command line are named, other arguments and other sources are not")
  void secretsOnCommandLine() {
    env.getPropertySources()
        .addFirst(
            new SimpleCommandLinePropertySource(
                "--aegis.api.token=x",
                "--server.port=0",
                "--DATABASE_PASSWORD=y",
                "--aegis.database.url=postgres://u:p@db/aegis",
                "--aegis.kafka.bootstrap-servers=kafka:9092",
                "--spring.security.oauth2.client.registration.x.client-secret=z"));
    properties.put("aegis.database.password", "from-a-file");

    assertThat(StartupFacts.from(env).secretsOnCommandLine())
        .containsExactly(
            "DATABASE_PASSWORD",
            "aegis.api.token",
            "aegis.database.url",
            "spring.security.oauth2.client.registration.x.client-secret");
  }

  @ParameterizedTest(name = "{0}={1}: secret {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "aegis.api.token|x|true",
        "AEGIS_API_TOKEN|x|true",
        "aegis.database.password|x|true",
        "spring.kafka.ssl.key-store-password|x|true",
        "spring.kafka.properties.sasl.jaas.config|x|true",
        "spring.security.oauth2.client.provider.x.token-uri|https://issuer/token|false",
        "spring.security.oauth2.resourceserver.jwt.issuer-uri|https://issuer|false",
        "DATABASE_URL|postgres://aegis:pw@db/aegis|true",
        "aegis.database.url|jdbc:postgresql://db/aegis?user=a&password=pw|true",
        "aegis.database.url|jdbc:postgresql://db/aegis|false",
        "aegis.api.auth|token|false",
        "aegis.database.username|aegis|false"
      })
  void secretNames(String name, String value, boolean secret) {
    assertThat(StartupFacts.isSecret(name, value)).isEqualTo(secret);
  }
}
