package dev.aegis.orchestrator.readiness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.orchestrator.observability.ServiceTagLimit;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.DatabaseMode;
import dev.aegis.orchestrator.testsupport.RestartablePostgres;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/**
 * Readiness covers PostgreSQL, Kafka and the Kubernetes API: it goes false while the database is
 * down and true again once it is back, and liveness does not follow it. (The same context checks
 * the meter filter.)
 */
@AegisComponentTest(
    database = DatabaseMode.RESTARTABLE,
    properties = {"aegis.readiness.timeout=2s", "aegis.metrics.max-services=2"})
@AutoConfigureMockMvc
class ReadinessIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Autowired MockMvc mvc;
  @Autowired RestartablePostgres postgres;
  @Autowired MeterRegistry meters;

  private JsonNode probe(String path, int[] status) throws Exception {
    MvcResult r = mvc.perform(get(path)).andReturn();
    status[0] = r.getResponse().getStatus();
    return JSON.readTree(r.getResponse().getContentAsString());
  }

  @Test
  @DisplayName(
      "readiness lists database, kafka and kubernetes; it is 503 while PostgreSQL is down and 200 once it is back")
  void followsTheDatabase() throws Exception {
    int[] status = new int[1];
    JsonNode ready = probe("/actuator/health/readiness", status);
    assertThat(status[0]).as(ready.toString()).isEqualTo(200);
    assertThat(ready.path("components").fieldNames())
        .toIterable()
        .contains("database", "kafka", "kubernetes", "readinessState");

    postgres.stop();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                JsonNode down = probe("/actuator/health/readiness", status);
                assertThat(status[0]).isEqualTo(503);
                assertThat(down.path("components").path("database").path("status").asText())
                    .isEqualTo("DOWN");
              });
      probe("/actuator/health/liveness", status);
      assertThat(status[0]).as("liveness does not follow the database").isEqualTo(200);
    } finally {
      postgres.restart();
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              probe("/actuator/health/readiness", status);
              assertThat(status[0]).isEqualTo(200);
            });
  }

  @Test
  @DisplayName(
      "the application's registry keeps max-services service tags, then counts the rest as 'other'")
  void serviceTagsAreBounded() {
    for (String s : new String[] {"svc-a", "svc-b", "svc-c", "svc-d"}) {
      meters.counter("aegis.test.cardinality", "service", s).increment();
    }
    assertThat(meters.find("aegis.test.cardinality").counters()).hasSizeLessThanOrEqualTo(3);
    assertThat(
            meters.find("aegis.test.cardinality").tag("service", ServiceTagLimit.OTHER).counter())
        .isNotNull()
        .satisfies(c -> assertThat(c.count()).isGreaterThanOrEqualTo(2.0));
  }
}
