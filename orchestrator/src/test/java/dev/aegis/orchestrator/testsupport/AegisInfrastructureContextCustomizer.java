package dev.aegis.orchestrator.testsupport;

import dev.aegis.events.Topics;
import dev.aegis.orchestrator.standalone.infrastructure.AegisKafkaBootstrap;
import dev.aegis.orchestrator.standalone.infrastructure.DataDirectory;
import dev.aegis.orchestrator.standalone.infrastructure.DatabaseSettings;
import dev.aegis.orchestrator.standalone.infrastructure.DatabaseUrl;
import dev.aegis.orchestrator.standalone.infrastructure.KafkaSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Before an {@link AegisComponentTest} context refreshes: provisions its database, positions its
 * consumer group, and puts the addresses first among the context's property sources.
 *
 * <p>Equal only for the same test class, so no two classes share a cached context (and a database).
 */
final class AegisInfrastructureContextCustomizer implements ContextCustomizer {

  static final int RESTARTABLE_CONNECTION_TIMEOUT_MS = 2000;
  private static final Logger LOG =
      LoggerFactory.getLogger(AegisInfrastructureContextCustomizer.class);
  private static final String HIKARI_CONNECTION_TIMEOUT =
      "spring.datasource.hikari.connection-timeout";
  private static final String GROUP_ID = "spring.kafka.consumer.group-id";

  private final Class<?> testClass;
  private final DatabaseMode mode;
  private final KafkaMode kafkaMode;

  AegisInfrastructureContextCustomizer(Class<?> testClass, DatabaseMode mode, KafkaMode kafkaMode) {
    this.testClass = testClass;
    this.mode = mode;
    this.kafkaMode = kafkaMode;
  }

  private static final String SIMULATOR_ENABLED = "aegis.simulator.enabled";
  private static final String API_AUTH = "aegis.api.auth";
  private static final String RATE_LIMITS = "aegis.limits.rate.enabled";
  private static final String SECURITY_DEVELOPMENT = "aegis.security.development";

  @Override
  public void customizeContext(
      ConfigurableApplicationContext context, MergedContextConfiguration config) {
    Map<String, Object> properties = new HashMap<>();
    properties.putAll(
        kafkaMode == KafkaMode.RESTARTABLE
            ? restartableKafkaProperties(context)
            : kafkaProperties());
    properties.putAll(databaseProperties(context));
    // The standalone demo publishes health on the shared broker; a test that wants it says so.
    if (!context.getEnvironment().containsProperty(SIMULATOR_ENABLED)) {
      properties.put(SIMULATOR_ENABLED, "false");
    }
    // The API's bearer token has a test of its own (ApiTokenTest); elsewhere changes go through
    // without it.
    if (!context.getEnvironment().containsProperty(API_AUTH)) {
      properties.put(API_AUTH, "none");
    }
    // Rate limits have a test of their own (RateLimitIT); every test here calls from one loopback
    // address.
    if (!context.getEnvironment().containsProperty(RATE_LIMITS)) {
      properties.put(RATE_LIMITS, "false");
    }
    // The shared broker and database are external servers to the production checks; this is
    // development.
    if (!context.getEnvironment().containsProperty(SECURITY_DEVELOPMENT)) {
      properties.put(SECURITY_DEVELOPMENT, "true");
    }
    // The in-process Kubernetes API keeps nothing of a test's objects (and nothing lands in
    // ~/.aegis).
    if (!context.getEnvironment().containsProperty(DataDirectory.PROPERTY)) {
      properties.put(DataDirectory.PROPERTY, "ephemeral");
    }
    context
        .getEnvironment()
        .getPropertySources()
        .addFirst(new MapPropertySource("aegisComponentTestInfrastructure", properties));
  }

  private Map<String, Object> kafkaProperties() {
    SharedKafka kafka = SharedInfrastructure.kafka();
    String groupId = "aegis-test-" + testClass.getSimpleName() + "-" + UUID.randomUUID();
    kafka.positionGroupAtEnd(groupId, AegisKafkaBootstrap.CONTRACT_TOPICS);
    // The dead-letter recorder's own group (see MessagingConfiguration) starts where this test
    // starts too.
    kafka.positionGroupAtEnd(groupId + ".dead-letters", List.of(Topics.DLQ));
    return Map.of(KafkaSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers(), GROUP_ID, groupId);
  }

  /** A broker of the context's own: its topics start empty, so a new group misses nothing. */
  private Map<String, Object> restartableKafkaProperties(ConfigurableApplicationContext context) {
    RestartableKafka kafka = RestartableKafka.start();
    register((DefaultListableBeanFactory) context.getBeanFactory(), "restartableKafka", kafka);
    String groupId = "aegis-test-" + testClass.getSimpleName() + "-" + UUID.randomUUID();
    return Map.of(KafkaSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers(), GROUP_ID, groupId);
  }

  private Map<String, Object> databaseProperties(ConfigurableApplicationContext context) {
    DefaultListableBeanFactory beans = (DefaultListableBeanFactory) context.getBeanFactory();
    Map<String, Object> properties = new HashMap<>();
    DatabaseUrl[] connections =
        mode == DatabaseMode.RESTARTABLE
            ? restartableDatabase(beans, context.getEnvironment(), properties)
            : freshDatabase(beans);
    DatabaseUrl app = connections[0];
    LOG.info("{} uses {} PostgreSQL {}", testClass.getSimpleName(), mode, app);
    // The application connects as the least-privileged role; Flyway migrates as the owner.
    properties.put(DatabaseSettings.URL, app.jdbcUrl());
    properties.put(DatabaseSettings.USERNAME, app.username());
    properties.put(DatabaseSettings.MIGRATION_USERNAME, connections[1].username());
    return properties;
  }

  private static DatabaseUrl[] freshDatabase(DefaultListableBeanFactory beans) {
    TestDatabase database = SharedInfrastructure.postgres().createDatabase();
    register(beans, "aegisTestDatabase", database);
    return new DatabaseUrl[] {database.appConnection(), database.connection()};
  }

  private static DatabaseUrl[] restartableDatabase(
      DefaultListableBeanFactory beans, Environment env, Map<String, Object> properties) {
    RestartablePostgres postgres = RestartablePostgres.start();
    register(beans, "restartablePostgres", postgres);
    // Hikari's default waits 30 s for a connection; an outage test wants the failure at once.
    if (!env.containsProperty(HIKARI_CONNECTION_TIMEOUT)) {
      properties.put(HIKARI_CONNECTION_TIMEOUT, RESTARTABLE_CONNECTION_TIMEOUT_MS);
    }
    return new DatabaseUrl[] {postgres.appConnection(), postgres.connection()};
  }

  private static void register(DefaultListableBeanFactory beans, String name, AutoCloseable bean) {
    beans.registerSingleton(name, bean);
    // Registered before every other bean, so destroyed after them all, once the pool is closed.
    beans.registerDisposableBean(name, bean::close);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AegisInfrastructureContextCustomizer that
        && testClass.equals(that.testClass)
        && mode == that.mode
        && kafkaMode == that.kafkaMode;
  }

  @Override
  public int hashCode() {
    return Objects.hash(testClass, mode, kafkaMode);
  }
}
