package dev.aegis.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.oneOf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.events.EventCodec;
import dev.aegis.events.EventType;
import dev.aegis.events.Events;
import dev.aegis.events.data.HealthReported;
import dev.aegis.events.data.Latency;
import dev.aegis.events.data.Track;
import dev.aegis.operators.testing.ClusterFixtures;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/** The REST contract of DESIGN.md: paths, status codes, problem+json naming the field at fault. */
@AegisComponentTest
@AutoConfigureMockMvc
class ApiContractIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POLICY =
      """
      "policy": {"steps": [{"weight": 10, "minDuration": "PT2S"}, {"weight": 100, "minDuration": "PT2S"}],
                 "slo": {"maxErrorRate": 0.02, "maxP95LatencyMs": 3000}, "minRequestsPerStep": 50}""";

  @Autowired MockMvc mvc;
  @Autowired KubernetesClient cluster;

  private static String body(String service, String version) {
    return """
        {"service": "%s", "namespace": "shop", "candidate": {"version": "%s", "image": "registry.local/%s:%s"}, %s}
        """
        .formatted(service, version, service, version, POLICY);
  }

  private String submit(String service, String version) throws Exception {
    if (cluster.apps().deployments().inNamespace("shop").withName(service).get() == null) {
      cluster
          .resource(
              ClusterFixtures.stableDeployment(
                  "shop", service, "registry.local/" + service + ":v1", 2))
          .create();
    }
    String response =
        mvc.perform(
                post("/api/v1/experiments")
                    .contentType(MediaType.APPLICATION_JSON)
                    .header("X-Aegis-Actor", "alice")
                    .content(body(service, version)))
            .andExpect(status().isCreated())
            .andExpect(header().string("Location", containsString("/api/v1/experiments/")))
            .andExpect(jsonPath("$.phase").value("CANARY"))
            .andExpect(jsonPath("$.weight").value(10))
            .andReturn()
            .getResponse()
            .getContentAsString();
    return JSON.readTree(response).path("id").asText();
  }

  private JsonNode experiment(String id) throws Exception {
    return JSON.readTree(
        mvc.perform(get("/api/v1/experiments/" + id))
            .andReturn()
            .getResponse()
            .getContentAsString());
  }

  @Test
  @DisplayName(
      "a submission is created in CANARY with its first command in the outbox, which the relay"
          + " carries out")
  void submitAndGet() throws Exception {
    String id = submit("orders", "v2");

    mvc.perform(get("/api/v1/experiments/" + id))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.history", hasSize(1)))
        .andExpect(jsonPath("$.history[0].to").value("CANARY"))
        .andExpect(jsonPath("$.commands[0].type").value("SetTrafficWeight"))
        // The submission's commit wakes the actuation relay, which may have applied it already.
        .andExpect(jsonPath("$.commands[0].status", oneOf("PENDING", "DONE")))
        .andExpect(jsonPath("$.policy.steps", hasSize(2)));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(experiment(id).at("/commands/0/status").asText()).isEqualTo("DONE"));
    mvc.perform(get("/api/v1/experiments").param("service", "orders"))
        .andExpect(jsonPath("$[0].id").value(id));
    // The actor is the authenticated principal (loopback "local" here); a client-chosen
    // X-Aegis-Actor is ignored.
    mvc.perform(get("/api/v1/audit")).andExpect(jsonPath("$[0].actor").value("local"));
  }

  @Test
  @DisplayName("bad requests get problem+json naming the field")
  void badRequestsNameTheField() throws Exception {
    mvc.perform(
            post("/api/v1/experiments")
                .contentType(MediaType.APPLICATION_JSON)
                .content(
                    "{\"service\": \"Not_A_Dns_Label\", \"candidate\": {\"version\": \"v1\", \"image\": \"x\"}}"))
        .andExpect(status().isBadRequest())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.field").value("service"));
    mvc.perform(
            post("/api/v1/experiments")
                .contentType(MediaType.APPLICATION_JSON)
                .content(
                    "{\"service\": \"a\", \"candidate\": {\"version\": \"v1\", \"image\": \"x\"},"
                        + " \"policy\": {\"steps\": [{\"weight\": 50, \"minDuration\": \"PT1S\"}, {\"weight\": 10, \"minDuration\": \"PT1S\"}]}}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("policy.steps"));
    mvc.perform(
            post("/api/v1/experiments")
                .contentType(MediaType.APPLICATION_JSON)
                .content(
                    "{\"service\": \"a\", \"candidate\": {\"version\": \"v1\", \"image\": \"x\"},"
                        + " \"policy\": {\"steps\": [{\"weight\": 100, \"minDuration\": \"soon\"}]}}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("policy.steps[0].minDuration"));
    mvc.perform(
            post("/api/v1/experiments")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{not json"))
        .andExpect(status().isBadRequest())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    mvc.perform(
            post("/api/v1/experiments")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"pad\": \"" + "x".repeat(1_100_000) + "\"}"))
        .andExpect(status().isPayloadTooLarge());
    mvc.perform(get("/api/v1/experiments/does-not-exist"))
        .andExpect(status().isNotFound())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
  }

  @Test
  @DisplayName("an illegal command is refused with 409 and the reason, and changes nothing")
  void illegalCommandIsRefused() throws Exception {
    String id = submit("profile", "v2");
    mvc.perform(post("/api/v1/experiments/" + id + "/resume"))
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.type").value(containsString("illegal-transition")))
        .andExpect(jsonPath("$.detail").value(containsString("CANARY")));
    mvc.perform(
            post("/api/v1/experiments/" + id + "/pause")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"reason\": \"looking at a dashboard\"}"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.phase").value("PAUSED"));
    mvc.perform(post("/api/v1/experiments/" + id + "/abort"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.phase").value("ROLLING_BACK"))
        .andExpect(jsonPath("$.actuation.awaiting").value(containsString(id)));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> "ABORTED".equals(experiment(id).path("phase").asText()));
    assertThat(experiment(id).path("actuation").path("pending").asBoolean()).isFalse();
    mvc.perform(post("/api/v1/experiments/" + id + "/launch")).andExpect(status().isNotFound());
  }

  @Test
  @DisplayName(
      "a quarantined image is refused with 409 and its RCA link until it is released with a reason")
  void quarantineIsAMemory() throws Exception {
    String id = submit("inventory", "v9");
    EventCodec codec = new EventCodec();
    Instant start = Instant.now().minusSeconds(300);
    for (int i = 0; i < 2; i++) {
      var data =
          new HealthReported(
              "inventory",
              "v9",
              Track.CANARY,
              start.plusSeconds(i),
              start.plusSeconds(i + 1),
              100,
              10,
              new Latency(50, 100, 150),
              null,
              null);
      var encoded =
          codec.encodeBinary(
              Events.envelope(
                  EventType.HEALTH_REPORTED,
                  UUID.randomUUID().toString(),
                  "/monitors/api-test",
                  "inventory",
                  Instant.now()),
              data);
      var record =
          new ProducerRecord<String, byte[]>(encoded.topic(), encoded.key(), encoded.value());
      encoded.headers().forEach((k, v) -> record.headers().add(k, v));
      SharedInfrastructure.kafka().publish(record);
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> "QUARANTINED".equals(experiment(id).path("phase").asText()));

    mvc.perform(get("/api/v1/quarantine")).andExpect(jsonPath("$[0].id").value(id));
    mvc.perform(get("/api/v1/quarantine/" + id + "/rca"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.checks[0].check").value("error-rate"))
        .andExpect(jsonPath("$.checks[0].observed").value(0.1));
    mvc.perform(
            post("/api/v1/experiments")
                .contentType(MediaType.APPLICATION_JSON)
                .content(body("inventory", "v9")))
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.rca").value("/api/v1/quarantine/" + id + "/rca"));
    mvc.perform(
            post("/api/v1/quarantine/" + id + "/release")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("reason"));
    mvc.perform(
            post("/api/v1/quarantine/" + id + "/release")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"reason\": \"flaky dependency fixed\"}"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.phase").value("RELEASED"));
    submit("inventory", "v9");
  }
}
