package dev.aegis.orchestrator.standalone.demo;

import dev.aegis.orchestrator.standalone.infrastructure.DatabaseSettings;
import dev.aegis.orchestrator.standalone.infrastructure.KafkaSettings;
import java.util.Optional;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * When the standalone demo runs ({@link #runs}): never against an external Kubernetes cluster; by
 * default only when Kafka, PostgreSQL and Kubernetes all run in-process, so a half-configured
 * production start does not publish simulated health windows into a real broker and database.
 * {@code aegis.simulator.enabled=true} runs it on external Kafka and PostgreSQL too (the component
 * tests do, on their in-process test servers); the production checks refuse that outside
 * development.
 */
public final class DemoCondition extends SpringBootCondition {

  public static final String SIMULATOR_ENABLED = "aegis.simulator.enabled";
  public static final String KUBERNETES_MODE = "aegis.kubernetes.mode";

  /**
   * Whether the demo runs.
   *
   * @param simulatorEnabled {@code aegis.simulator.enabled} if set; empty means the default
   * @param kubernetesEmbedded whether {@code aegis.kubernetes.mode} is {@code embedded}
   * @param kafkaEmbedded whether no external Kafka is configured
   * @param databaseEmbedded whether no external PostgreSQL is configured
   */
  public static boolean runs(
      Optional<Boolean> simulatorEnabled,
      boolean kubernetesEmbedded,
      boolean kafkaEmbedded,
      boolean databaseEmbedded) {
    return kubernetesEmbedded && simulatorEnabled.orElse(kafkaEmbedded && databaseEmbedded);
  }

  /**
   * Whether {@code mode} selects the in-process Kubernetes API, as {@code KubernetesProperties}
   * reads it.
   */
  public static boolean kubernetesEmbedded(String mode) {
    return "embedded".equalsIgnoreCase(mode.trim());
  }

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    Environment env = context.getEnvironment();
    Optional<Boolean> enabled =
        Optional.ofNullable(env.getProperty(SIMULATOR_ENABLED, Boolean.class));
    boolean kubernetes = kubernetesEmbedded(env.getProperty(KUBERNETES_MODE, "embedded"));
    boolean kafka = KafkaSettings.from(env).external().isEmpty();
    boolean database = DatabaseSettings.from(env).external().isEmpty();
    String state =
        "simulator "
            + enabled.map(String::valueOf).orElse("default")
            + ", kubernetes "
            + (kubernetes ? "embedded" : "external")
            + ", kafka "
            + (kafka ? "embedded" : "external")
            + ", database "
            + (database ? "embedded" : "external");
    return runs(enabled, kubernetes, kafka, database)
        ? ConditionOutcome.match("the standalone demo runs: " + state)
        : ConditionOutcome.noMatch("the standalone demo does not run: " + state);
  }
}
