package dev.aegis.orchestrator.scenarios;

import static dev.aegis.orchestrator.scenarios.ScenarioKit.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.aegis.events.EncodedEvent;
import dev.aegis.events.EventType;
import dev.aegis.events.Topics;
import dev.aegis.operators.routing.IstioVirtualServiceRouter;
import dev.aegis.operators.testing.ClusterFixtures;
import dev.aegis.orchestrator.persistence.DeadLetterRepository;
import dev.aegis.orchestrator.persistence.DeadLetterRepository.DeadLetter;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.Workloads;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/**
 * A submission for a service whose stable Deployment or router objects are missing is refused when
 * it arrives: over REST with 422 problem+json naming what is missing, over Kafka as a dead letter
 * with that reason. Nothing is stored; once the objects exist the same submission is accepted.
 */
@AegisComponentTest
@AutoConfigureMockMvc
class SubmissionChecksIT {

  @Autowired MockMvc mvc;
  @Autowired KubernetesClient cluster;
  @Autowired Jdbi jdbi;
  @Autowired DeadLetterRepository deadLetters;

  private static String body(String service, String router) {
    return """
        {"service": "%s", "namespace": "shop", "router": "%s",
         "candidate": {"version": "v2", "image": "registry.local/%s:v2"}}"""
        .formatted(service, router, service);
  }

  @Test
  @DisplayName(
      "REST: no stable Deployment is 422 naming it, nothing is stored; with the Deployment it is 201")
  void missingDeploymentOverRest() throws Exception {
    mvc.perform(
            post("/api/v1/experiments")
                .contentType(MediaType.APPLICATION_JSON)
                .content(body("check-absent", "replica-ratio")))
        .andExpect(status().isUnprocessableEntity())
        .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
        .andExpect(jsonPath("$.type").value("https://aegis.dev/problems/missing-workload"))
        .andExpect(jsonPath("$.field").value("service"))
        .andExpect(
            jsonPath("$.detail")
                .value(org.hamcrest.Matchers.startsWith("Deployment shop/check-absent not found")))
        .andExpect(jsonPath("$.missing.length()").value(1));
    assertThat(rows("experiments", "check-absent")).isZero();
    assertThat(rows("audit_log", "check-absent")).isZero();

    Workloads.deployStable(cluster, "shop", "check-absent");
    mvc.perform(
            post("/api/v1/experiments")
                .contentType(MediaType.APPLICATION_JSON)
                .content(body("check-absent", "replica-ratio")))
        .andExpect(status().isCreated());
  }

  @Test
  @DisplayName(
      "REST with router istio: the Deployment alone is 422 naming the VirtualService; with it, 201")
  void missingVirtualServiceOverRest() throws Exception {
    Workloads.deployStable(cluster, "shop", "check-mesh");

    mvc.perform(
            post("/api/v1/experiments")
                .contentType(MediaType.APPLICATION_JSON)
                .content(body("check-mesh", "istio")))
        .andExpect(status().isUnprocessableEntity())
        .andExpect(jsonPath("$.field").value("router"))
        .andExpect(
            jsonPath("$.detail")
                .value(
                    org.hamcrest.Matchers.startsWith("VirtualService shop/check-mesh not found")));
    assertThat(rows("experiments", "check-mesh")).isZero();

    ClusterFixtures.create(
        cluster,
        IstioVirtualServiceRouter.VIRTUAL_SERVICE,
        ClusterFixtures.virtualService("shop", "check-mesh"));
    mvc.perform(
            post("/api/v1/experiments")
                .contentType(MediaType.APPLICATION_JSON)
                .content(body("check-mesh", "istio")))
        .andExpect(status().isCreated())
        .andExpect(jsonPath("$.service").value("check-mesh"));
  }

  @Test
  @DisplayName(
      "Kafka: a submission without its Deployment is dead-lettered as missing-workload with the reason, and creates nothing")
  void missingDeploymentOverKafka() {
    EncodedEvent submission =
        Wire.encode(
            EventType.EXPERIMENT_SUBMITTED,
            Wire.submission("check-kafka", "v2", Wire.fastPolicy(50)),
            UUID.randomUUID().toString(),
            "check-kafka");
    Wire.publish(submission);

    // Recorded from aegis.dlq: the dead letter went through the topic, with its reason headers.
    DeadLetter dead =
        await()
            .atMost(WAIT)
            .until(() -> deadLetterOf(ScenarioKit.id(submission)), Optional::isPresent)
            .orElseThrow();
    assertThat(dead.reasonCode()).isEqualTo("missing-workload");
    assertThat(dead.reason())
        .isEqualTo(
            "missing-workload: Deployment shop/check-kafka not found: the stable workload must exist");
    assertThat(dead.originalTopic()).isEqualTo(Topics.EXPERIMENTS);
    assertThat(rows("experiments", "check-kafka")).isZero();
  }

  private Optional<DeadLetter> deadLetterOf(String eventId) {
    return jdbi
        .withHandle(
            h ->
                deadLetters.list(
                    Tx.of(h), new DeadLetterRepository.Filter(null, null, null, null), 1000))
        .stream()
        .filter(d -> eventId.equals(d.eventId()))
        .findFirst();
  }

  private long rows(String table, String service) {
    String where =
        table.equals("audit_log") ? "detail->>'service' = :service" : "service = :service";
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT count(*) FROM " + table + " WHERE " + where)
                .bind("service", service)
                .mapTo(Long.class)
                .one());
  }
}
