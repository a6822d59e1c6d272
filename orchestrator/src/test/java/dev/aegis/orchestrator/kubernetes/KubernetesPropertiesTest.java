package dev.aegis.orchestrator.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.operators.actuation.ResilienceSettings;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KubernetesPropertiesTest {

  @Test
  @DisplayName("actuation workers per replica: at least one, refused with the property's name")
  void relayConcurrencyIsAtLeastOne() {
    assertThat(kubernetes(8).relayConcurrency()).isEqualTo(8);
    assertThatThrownBy(() -> kubernetes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aegis.kubernetes.relay-concurrency");
  }

  @Test
  @DisplayName("actuation lease: at least a second, refused with the property's name")
  void leaseIsAtLeastASecond() {
    assertThat(kubernetes(8, Duration.ofSeconds(1)).lease()).isEqualTo(Duration.ofSeconds(1));
    assertThatThrownBy(() -> kubernetes(8, Duration.ofMillis(999)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aegis.kubernetes.lease");
  }

  @Test
  @DisplayName(
      "every client of the API gets the configured retry and breaker policy, under its own name and attempts")
  void resilienceOfOneClient() {
    ResilienceSettings settings = kubernetes(8).resilience("kubernetes-replicas", 1);

    assertThat(settings)
        .isEqualTo(
            new ResilienceSettings(
                "kubernetes-replicas",
                1,
                Duration.ofMillis(100),
                3.0,
                Duration.ofSeconds(2),
                4,
                Duration.ofSeconds(7),
                2));
  }

  private static KubernetesProperties kubernetes(int relayConcurrency) {
    return kubernetes(relayConcurrency, Duration.ofMinutes(2));
  }

  private static KubernetesProperties kubernetes(int relayConcurrency, Duration lease) {
    return new KubernetesProperties(
        "embedded",
        0,
        "",
        "",
        true,
        Duration.ofMillis(200),
        true,
        lease,
        relayConcurrency,
        new KubernetesProperties.Retry(5, Duration.ofMillis(100), 3.0, Duration.ofSeconds(2)),
        new KubernetesProperties.Breaker(4, Duration.ofSeconds(7), 2));
  }
}
