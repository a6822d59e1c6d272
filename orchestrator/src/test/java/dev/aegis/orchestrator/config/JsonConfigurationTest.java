package dev.aegis.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.orchestrator.judgment.Check;
import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.judgment.StepProgress;
import dev.aegis.orchestrator.judgment.Verdict;
import dev.aegis.orchestrator.persistence.StateJson;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;

/** The API's mapper and the state mapper write a judgment's own fields, not the core's marker. */
class JsonConfigurationTest {

  private static final Judgment JUDGMENT =
      new Judgment(
          Verdict.IN_PROGRESS,
          1,
          10,
          "step 1 at 10%: observed 5s of 10s",
          List.of(Check.atLeast(Check.MIN_DURATION, 5, 10)),
          StepProgress.startingAfter(null),
          10,
          Instant.parse("2026-12-05T10:00:00Z"));

  @Test
  void theApiWritesAJudgmentWithoutTheDraftMarker() throws Exception {
    Jackson2ObjectMapperBuilder builder = Jackson2ObjectMapperBuilder.json();
    new JsonConfiguration().judgmentsAsStored().customize(builder);
    ObjectMapper api = builder.build();

    String json = api.writeValueAsString(JUDGMENT);

    assertThat(json).contains("\"verdict\":\"IN_PROGRESS\"").doesNotContain("draft");
    assertThat(Jackson2ObjectMapperBuilder.json().build().writeValueAsString(JUDGMENT))
        .as("without the mix-in the marker would show")
        .contains("\"draft\":null");
  }

  @Test
  void theStateMapperWritesAndReadsItWithoutTheMarker() {
    String json = StateJson.write(JUDGMENT);

    assertThat(json).doesNotContain("draft");
    assertThat(StateJson.read(json, Judgment.class)).isEqualTo(JUDGMENT);
  }
}
