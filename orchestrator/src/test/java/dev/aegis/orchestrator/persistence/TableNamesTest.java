package dev.aegis.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TableNamesTest {

  @Test
  @DisplayName("the statement builders take a plain table name and put it where the table goes")
  void plainNames() {
    assertThat(InboxRepository.claimStatement("bench_processed"))
        .startsWith("INSERT INTO bench_processed (");
    assertThat(HealthWindowRepository.insertStatement("health_windows"))
        .startsWith("INSERT INTO health_windows (");
    assertThat(StepSampleRepository.appendStatement("step_samples_2"))
        .startsWith("INSERT INTO step_samples_2 (");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Health_windows",
        "public.health_windows",
        "\"health_windows\"",
        "t (x) SELECT 1; DROP TABLE experiments; --",
        "t;",
        "1table",
        "a234567890123456789012345678901234567890123456789012345678901234"
      })
  @DisplayName("anything else is refused before it reaches SQL text")
  void otherNamesAreRefused(String name) {
    assertThatThrownBy(() -> StepSampleRepository.appendStatement(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a plain table name");
    assertThatThrownBy(() -> InboxRepository.claimStatement(name))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HealthWindowRepository.insertStatement(name))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
