package dev.aegis.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProcessingPropertiesTest {

  @Test
  @DisplayName("consumer threads per replica: at least one, refused with the property's name")
  void concurrencyIsAtLeastOne() {
    assertThat(processing(3).concurrency()).isEqualTo(3);
    assertThatThrownBy(() -> processing(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aegis.processing.concurrency");
  }

  private static AegisProperties.Processing processing(int concurrency) {
    return new AegisProperties.Processing(
        5, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60), 500, concurrency);
  }
}
