package dev.aegis.orchestrator.standalone.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * When the standalone demo runs: never on a real cluster, by default only when all three servers
 * are embedded.
 */
class DemoConditionTest {

  @Configuration(proxyBeanMethods = false)
  @Conditional(DemoCondition.class)
  static class Probe {}

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner().withUserConfiguration(Probe.class);

  @ParameterizedTest(
      name =
          "simulator {0}, kubernetes embedded {1}, kafka embedded {2}, database embedded {3}: runs {4}")
  @CsvSource({
    "default, true,  true,  true,  true",
    "default, true,  false, true,  false",
    "default, true,  true,  false, false",
    "default, false, true,  true,  false",
    "true,    true,  false, false, true",
    "true,    false, true,  true,  false",
    "false,   true,  true,  true,  false"
  })
  void runs(String simulator, boolean kubernetes, boolean kafka, boolean database, boolean runs) {
    Optional<Boolean> enabled =
        simulator.equals("default") ? Optional.empty() : Optional.of(Boolean.valueOf(simulator));
    assertThat(DemoCondition.runs(enabled, kubernetes, kafka, database)).isEqualTo(runs);
  }

  @Test
  @DisplayName("the demo configuration is guarded by the condition")
  void demoConfigurationUsesTheCondition() {
    Conditional conditional =
        AnnotatedElementUtils.findMergedAnnotation(DemoConfiguration.class, Conditional.class);
    assertThat(conditional).isNotNull();
    assertThat(conditional.value()).containsExactly(DemoCondition.class);
  }

  @Test
  @DisplayName("nothing configured: everything embedded, the demo runs")
  void standalone() {
    runner.run(context -> assertThat(context).hasSingleBean(Probe.class));
  }

  @Test
  @DisplayName("real Kafka with the Kubernetes mode left at its default: no demo")
  void externalKafka() {
    runner
        .withPropertyValues("aegis.kafka.bootstrap-servers=kafka.prod.internal:9092")
        .run(context -> assertThat(context).doesNotHaveBean(Probe.class));
  }

  @Test
  @DisplayName("real PostgreSQL with the Kubernetes mode left at its default: no demo")
  void externalDatabase() {
    runner
        .withPropertyValues("aegis.database.url=jdbc:postgresql://db.prod.internal/aegis")
        .run(context -> assertThat(context).doesNotHaveBean(Probe.class));
  }

  @Test
  @DisplayName(
      "aegis.simulator.enabled=true runs it on external Kafka and PostgreSQL, as the component tests do")
  void explicitOnExternalServers() {
    runner
        .withPropertyValues(
            "aegis.kafka.bootstrap-servers=kafka:9092",
            "aegis.database.url=jdbc:postgresql://db/a",
            "aegis.simulator.enabled=true")
        .run(context -> assertThat(context).hasSingleBean(Probe.class));
  }

  @Test
  @DisplayName("an external cluster: no demo, even when asked for")
  void externalCluster() {
    runner
        .withPropertyValues("aegis.kubernetes.mode=external", "aegis.simulator.enabled=true")
        .run(context -> assertThat(context).doesNotHaveBean(Probe.class));
  }
}
