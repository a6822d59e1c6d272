package dev.aegis.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class ProcessingPropertiesTest {

  @Test
  @DisplayName("consumer threads per replica: at least one, refused with the property's name")
  void concurrencyIsAtLeastOne() {
    assertThat(processing(3).concurrency()).isEqualTo(3);
    assertThatThrownBy(() -> processing(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aegis.processing.concurrency");
  }

  @Test
  @DisplayName(
      "unset, a replica consumes with three threads (one per partition of the default topics), "
          + "in batches of at most 2000 records")
  void threeThreadsByDefault() {
    AegisProperties.Processing bound =
        new Binder(new MapConfigurationPropertySource(Map.of()))
            .bindOrCreate("aegis.processing", AegisProperties.Processing.class);
    assertThat(bound.concurrency()).isEqualTo(3);
    assertThat(bound.maxPollRecords()).isEqualTo(2000);
  }

  private static AegisProperties.Processing processing(int concurrency) {
    return new AegisProperties.Processing(
        5, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60), 500, concurrency);
  }
}
